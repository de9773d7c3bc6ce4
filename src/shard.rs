//! Shards: the K-th of N deterministic parts of a batch, so that N processes
//! started by a cluster's scheduler (a Slurm job array, a Kubernetes indexed
//! Job) share the work with no scheduler of ours. A part is chosen by
//! position in a list every process makes alike (sorted names, sentences in
//! order), never by what the process finds on its machine, so the same K/N
//! always takes the same items.

use crate::error::{Error, Result};

/// One of `count` parts; shown and written as `K/N` with K from 1 to N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// From 0 to `count - 1`.
    index: usize,
    count: usize,
}

impl Shard {
    /// The `number`-th of `count` parts, `number` counted from 1.
    pub fn new(number: usize, count: usize) -> Result<Shard> {
        if count == 0 {
            return Err(Error::Usage(format!("--shard {number}/{count}: N, the number of shards, is at least 1")));
        }
        if number == 0 || number > count {
            return Err(Error::Usage(format!(
                "--shard {number}/{count}: K counts from 1 to N (1/{count} is the first shard, {count}/{count} the last)"
            )));
        }
        Ok(Shard { index: number - 1, count })
    }

    /// `K/N` as the command line writes it.
    pub fn parse(text: &str) -> Result<Shard> {
        let number = |s: &str| s.trim().parse::<usize>().ok();
        match text.split_once('/').map(|(k, n)| (number(k), number(n))) {
            Some((Some(k), Some(n))) => Shard::new(k, n),
            _ => Err(Error::Usage(format!("--shard {text:?}: not K/N (like 1/4) nor auto"))),
        }
    }

    /// The shard a cluster's scheduler gives this process, read with `var`
    /// (`std::env::var`), and one line saying where it was found: a Slurm
    /// job array's `SLURM_ARRAY_TASK_ID` (placed by
    /// `SLURM_ARRAY_TASK_MIN`, `_MAX` and `_STEP`, or by
    /// `SLURM_ARRAY_TASK_COUNT` from 0), else a Kubernetes indexed Job's
    /// `JOB_COMPLETION_INDEX` with `BRIEFING_SHARDS`, the Job's completions.
    /// `BRIEFING_SHARDS` set beside `SLURM_ARRAY_TASK_ID` wins over the
    /// array's range, ids counted from 0: a task resubmitted alone
    /// (`sbatch --array=2` makes an array of one, 2 to 2) still takes its
    /// part of the whole batch.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<(Shard, String)> {
        let read = |name: &str| -> Result<Option<usize>> {
            match var(name) {
                None => Ok(None),
                Some(v) if v.trim().is_empty() => Ok(None),
                Some(v) => v
                    .trim()
                    .parse()
                    .map(Some)
                    .map_err(|_| Error::Usage(format!("--shard auto: {name}={v:?} is not a whole number"))),
            }
        };
        if let (Some(id), Some(count)) = (read("SLURM_ARRAY_TASK_ID")?, read("BRIEFING_SHARDS")?) {
            return inconsistent_unless(id < count, || {
                format!("SLURM_ARRAY_TASK_ID={id} with BRIEFING_SHARDS={count} (ids from 0)")
            })
            .and_then(|()| Shard::new(id + 1, count))
            .map(|shard| {
                let said = format!(
                    "shard {shard} from SLURM_ARRAY_TASK_ID={id}, BRIEFING_SHARDS={count} (over the array's range)"
                );
                (shard, said)
            });
        }
        if let Some(id) = read("SLURM_ARRAY_TASK_ID")? {
            let range = (read("SLURM_ARRAY_TASK_MIN")?, read("SLURM_ARRAY_TASK_MAX")?);
            let (step, listed) = (read("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1), read("SLURM_ARRAY_TASK_COUNT")?);
            return slurm(id, range, step, listed);
        }
        if let Some(index) = read("JOB_COMPLETION_INDEX")? {
            let Some(count) = read("BRIEFING_SHARDS")? else {
                return Err(Error::Usage(
                    "--shard auto: JOB_COMPLETION_INDEX is set but not BRIEFING_SHARDS: set it to the Job's completions"
                        .into(),
                ));
            };
            return inconsistent_unless(index < count, || {
                format!("JOB_COMPLETION_INDEX={index} with BRIEFING_SHARDS={count}")
            })
            .and_then(|()| Shard::new(index + 1, count))
            .map(|shard| (shard, format!("shard {shard} from JOB_COMPLETION_INDEX={index}, BRIEFING_SHARDS={count}")));
        }
        Err(Error::Usage(
            "--shard auto: neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor JOB_COMPLETION_INDEX (a Kubernetes indexed Job) is set"
                .into(),
        ))
    }

    /// K, from 1 to N.
    pub fn number(&self) -> usize {
        self.index + 1
    }

    /// N.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Whether the item at `position` of the shared list is this shard's:
    /// one in N, in turn, so that the parts differ by one item at most.
    pub fn takes(&self, position: usize) -> bool {
        position % self.count == self.index
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{}/{}", self.number(), self.count)
    }
}

/// The items of `items` that `shard` takes (all of them without one).
pub(crate) fn taken<T>(items: impl IntoIterator<Item = T>, shard: Option<Shard>) -> Vec<T> {
    let items = items.into_iter().enumerate();
    items.filter(|(i, _)| shard.is_none_or(|s| s.takes(*i))).map(|(_, item)| item).collect()
}

/// A Slurm array task's shard: its place among the array's ids, which must
/// be evenly spaced (`--array=0-39`, `1-8`, `0-30:10`) for every task to
/// agree on the count.
fn slurm(
    id: usize,
    range: (Option<usize>, Option<usize>),
    step: usize,
    listed: Option<usize>,
) -> Result<(Shard, String)> {
    let (min, count, from) = match (range, listed) {
        ((Some(min), Some(max)), _) => {
            inconsistent_unless(min <= id && id <= max && (id - min).is_multiple_of(step), || {
                format!("SLURM_ARRAY_TASK_ID={id} is not one of {min} to {max} by {step}")
            })?;
            let count = (max - min) / step + 1;
            if let Some(listed) = listed.filter(|&l| l != count) {
                return Err(Error::Usage(format!(
                    "--shard auto: SLURM_ARRAY_TASK_COUNT={listed}, but ids {min} to {max} by {step} are {count}: give the array as a range (--array=0-{})",
                    listed.saturating_sub(1)
                )));
            }
            (min, count, format!("SLURM_ARRAY_TASK_MIN={min}, SLURM_ARRAY_TASK_MAX={max}"))
        }
        (_, Some(count)) => {
            inconsistent_unless(id < count, || {
                format!("SLURM_ARRAY_TASK_ID={id} with SLURM_ARRAY_TASK_COUNT={count} (ids from 0)")
            })?;
            (0, count, format!("SLURM_ARRAY_TASK_COUNT={count}"))
        }
        _ => return Err(Error::Usage(
            "--shard auto: SLURM_ARRAY_TASK_ID is set without SLURM_ARRAY_TASK_MIN and _MAX nor SLURM_ARRAY_TASK_COUNT"
                .into(),
        )),
    };
    let shard = Shard::new((id - min) / step + 1, count)?;
    Ok((shard, format!("shard {shard} from SLURM_ARRAY_TASK_ID={id}, {from}")))
}

fn inconsistent_unless(consistent: bool, what: impl FnOnce() -> String) -> Result<()> {
    match consistent {
        true => Ok(()),
        false => Err(Error::Usage(format!("--shard auto: inconsistent: {}", what()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(vars: &[(&str, &str)]) -> Result<(Shard, String)> {
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Shard::from_env(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    fn usage(result: Result<impl std::fmt::Debug>) -> String {
        match result {
            Err(Error::Usage(message)) => message,
            other => panic!("not a usage error: {other:?}"),
        }
    }

    #[test]
    fn k_counts_from_1_to_n() {
        assert_eq!(Shard::parse("1/4").unwrap(), Shard { index: 0, count: 4 });
        assert_eq!(Shard::parse(" 4 / 4 ").unwrap().to_string(), "4/4");
        assert!(usage(Shard::parse("0/4")).contains("K counts from 1 to N (1/4 is the first shard, 4/4 the last)"));
        assert!(usage(Shard::parse("5/4")).contains("K counts from 1 to N"));
        assert!(usage(Shard::parse("1/0")).contains("at least 1"));
        for wrong in ["", "1", "a/4", "1/4/2", "-1/4"] {
            assert!(usage(Shard::parse(wrong)).contains("not K/N"), "{wrong:?}");
        }
    }

    #[test]
    fn the_parts_cover_every_item_once() {
        let shards: Vec<Shard> = (1..=3).map(|k| Shard::new(k, 3).unwrap()).collect();
        let parts: Vec<Vec<usize>> = shards.iter().map(|&s| taken(0..10, Some(s))).collect();
        assert_eq!(parts, [vec![0, 3, 6, 9], vec![1, 4, 7], vec![2, 5, 8]]);
        assert_eq!(taken(0..3, None), [0, 1, 2]);
    }

    #[test]
    fn slurm_arrays_are_placed_by_their_range() {
        let (shard, said) =
            from(&[("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_MIN", "0"), ("SLURM_ARRAY_TASK_MAX", "3")])
                .unwrap();
        assert_eq!(shard.to_string(), "2/4");
        assert_eq!(said, "shard 2/4 from SLURM_ARRAY_TASK_ID=1, SLURM_ARRAY_TASK_MIN=0, SLURM_ARRAY_TASK_MAX=3");
        let one_based = [
            ("SLURM_ARRAY_TASK_ID", "8"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_MAX", "8"),
            ("SLURM_ARRAY_TASK_COUNT", "8"),
        ];
        assert_eq!(from(&one_based).unwrap().0.to_string(), "8/8");
        let stepped = [
            ("SLURM_ARRAY_TASK_ID", "20"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_MAX", "30"),
            ("SLURM_ARRAY_TASK_STEP", "10"),
        ];
        assert_eq!(from(&stepped).unwrap().0.to_string(), "3/4");
        let counted = [("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_COUNT", "3")];
        assert_eq!(from(&counted).unwrap().0.to_string(), "3/3");
    }

    #[test]
    fn inconsistent_or_missing_variables_are_usage_errors() {
        let listed = [
            ("SLURM_ARRAY_TASK_ID", "5"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_MAX", "7"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ];
        assert!(usage(from(&listed)).contains("give the array as a range"));
        let outside = [("SLURM_ARRAY_TASK_ID", "9"), ("SLURM_ARRAY_TASK_MIN", "0"), ("SLURM_ARRAY_TASK_MAX", "3")];
        assert!(usage(from(&outside)).contains("inconsistent: SLURM_ARRAY_TASK_ID=9 is not one of 0 to 3"));
        assert!(usage(from(&[("SLURM_ARRAY_TASK_ID", "1")])).contains("without SLURM_ARRAY_TASK_MIN"));
        assert!(
            usage(from(&[("SLURM_ARRAY_TASK_ID", "x")])).contains("SLURM_ARRAY_TASK_ID=\"x\" is not a whole number")
        );
        assert!(usage(from(&[("JOB_COMPLETION_INDEX", "0")])).contains("not BRIEFING_SHARDS"));
        let beyond = [("JOB_COMPLETION_INDEX", "4"), ("BRIEFING_SHARDS", "4")];
        assert!(usage(from(&beyond)).contains("inconsistent: JOB_COMPLETION_INDEX=4 with BRIEFING_SHARDS=4"));
        assert!(usage(from(&[])).contains("neither SLURM_ARRAY_TASK_ID"));
    }

    #[test]
    fn a_slurm_task_resubmitted_alone_is_placed_by_briefing_shards() {
        let alone = [
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_MIN", "2"),
            ("SLURM_ARRAY_TASK_MAX", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "1"),
        ];
        assert_eq!(from(&alone).unwrap().0.to_string(), "1/1", "its own array of one");
        let (shard, said) = from(&[&alone[..], &[("BRIEFING_SHARDS", "4")]].concat()).unwrap();
        assert_eq!(
            (shard.to_string(), said.as_str()),
            ("3/4".into(), "shard 3/4 from SLURM_ARRAY_TASK_ID=2, BRIEFING_SHARDS=4 (over the array's range)")
        );
        let beyond = [("SLURM_ARRAY_TASK_ID", "4"), ("BRIEFING_SHARDS", "4")];
        assert!(
            usage(from(&beyond)).contains("inconsistent: SLURM_ARRAY_TASK_ID=4 with BRIEFING_SHARDS=4 (ids from 0)")
        );
    }

    #[test]
    fn kubernetes_indexes_count_from_0() {
        let (shard, said) = from(&[("JOB_COMPLETION_INDEX", "0"), ("BRIEFING_SHARDS", "4")]).unwrap();
        assert_eq!(
            (shard.to_string(), said.as_str()),
            ("1/4".into(), "shard 1/4 from JOB_COMPLETION_INDEX=0, BRIEFING_SHARDS=4")
        );
    }
}
