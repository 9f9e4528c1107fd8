//! Descriptive statistics shared by the measures: mean, population standard deviation,
//! coefficient of variation, median and nearest-rank percentiles. One implementation each, so
//! the equity tables, the timeline and the resilience summaries agree to the last bit.

/// The arithmetic mean; `None` for no values.
///
/// # Examples
/// ```
/// use regionlink::measures::stats::mean;
/// assert_eq!(mean(&[1.0, 2.0, 6.0]), Some(3.0));
/// assert_eq!(mean(&[]), None);
/// ```
pub fn mean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

/// The population standard deviation √(Σ (x − μ)² / n) about the mean `mu`.
pub fn sd(xs: &[f64], mu: f64) -> f64 {
    (xs.iter().map(|x| (x - mu).powi(2)).sum::<f64>() / xs.len() as f64).sqrt()
}

/// The coefficient of variation σ / μ (population σ); `None` for fewer than two values or a
/// mean ≤ 0.
///
/// # Examples
/// ```
/// use regionlink::measures::stats::cv;
/// // μ = 2, σ = √(2/3)
/// assert!((cv(&[1.0, 2.0, 3.0]).unwrap() - (2.0f64 / 3.0).sqrt() / 2.0).abs() < 1e-15);
/// assert_eq!(cv(&[5.0]), None);
/// ```
pub fn cv(xs: &[f64]) -> Option<f64> {
    if xs.len() < 2 {
        return None;
    }
    let m = mean(xs)?;
    (m > 0.0).then(|| sd(xs, m) / m)
}

/// The median (the mean of the two middle values for an even count); sorts `values`.
pub fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

/// The nearest-rank percentile `p` (0 < p ≤ 1) of values sorted ascending: the value of rank
/// ⌈p·n⌉; `None` for no values.
pub fn percentile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

/// Jenks natural breaks: the upper bounds of the lowest `k − 1` of `k` classes of `values`
/// that minimise the sum of squared deviations within the classes (Jenks 1967; computed
/// exactly, as Wang & Song's Ckmeans.1d.dp does, by dynamic programming over the sorted
/// distinct values, each weighted by its count, so equal values never fall in two classes).
/// Fewer than `k` distinct values give fewer classes. Non-finite values are ignored.
///
/// # Complexity
/// O(k · d log d) for d distinct values (the optimal split points are monotone, so each layer
/// of the programme is solved by divide and conquer).
///
/// # Examples
/// ```
/// use regionlink::measures::stats::natural_breaks;
/// let b = natural_breaks(&[1.0, 2.0, 3.0, 10.0, 11.0, 12.0, 50.0], 3);
/// assert_eq!(b, vec![3.0, 12.0]);
/// ```
pub fn natural_breaks(values: &[f64], k: usize) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    let mut xs: Vec<(f64, f64)> = Vec::new(); // (value, count)
    for x in v {
        match xs.last_mut() {
            Some((y, c)) if *y == x => *c += 1.0,
            _ => xs.push((x, 1.0)),
        }
    }
    let d = xs.len();
    let k = k.min(d);
    if k < 2 {
        return vec![];
    }
    // Prefix sums of weights, weighted values and weighted squares.
    let (mut w, mut s1, mut s2) = (vec![0.0; d + 1], vec![0.0; d + 1], vec![0.0; d + 1]);
    for (i, &(x, c)) in xs.iter().enumerate() {
        w[i + 1] = w[i] + c;
        s1[i + 1] = s1[i] + c * x;
        s2[i + 1] = s2[i] + c * x * x;
    }
    // Sum of squared deviations of the distinct values a..b (half open).
    let sse = |a: usize, b: usize| -> f64 {
        let n = w[b] - w[a];
        let s = s1[b] - s1[a];
        (s2[b] - s2[a] - s * s / n).max(0.0)
    };
    // cost[m][i]: best cost of the first i distinct values in m + 1 classes; arg: its split.
    let mut cost: Vec<Vec<f64>> = vec![
        (0..=d)
            .map(|i| if i == 0 { 0.0 } else { sse(0, i) })
            .collect(),
    ];
    let mut arg: Vec<Vec<usize>> = vec![vec![0; d + 1]];
    for m in 1..k {
        let prev = &cost[m - 1];
        let mut cur = vec![f64::INFINITY; d + 1];
        let mut at = vec![0; d + 1];
        // Solve cur[i] for i in lo..=hi knowing the optimal split lies in olo..=ohi.
        let mut stack = vec![(m + 1, d, m, d - 1)];
        while let Some((lo, hi, olo, ohi)) = stack.pop() {
            if lo > hi {
                continue;
            }
            let mid = (lo + hi) / 2;
            let (mut best, mut bj) = (f64::INFINITY, olo);
            for (j, &pj) in prev.iter().enumerate().take(ohi.min(mid - 1) + 1).skip(olo) {
                let c = pj + sse(j, mid);
                if c < best {
                    best = c;
                    bj = j;
                }
            }
            cur[mid] = best;
            at[mid] = bj;
            if mid > lo {
                stack.push((lo, mid - 1, olo, bj));
            }
            stack.push((mid + 1, hi, bj, ohi));
        }
        cost.push(cur);
        arg.push(at);
    }
    // Walk back the splits of k classes over all d values.
    let mut ends = Vec::with_capacity(k - 1);
    let mut i = d;
    for m in (1..k).rev() {
        let j = arg[m][i];
        ends.push(j);
        i = j;
    }
    ends.reverse();
    ends.iter().map(|&j| xs[j - 1].0).collect()
}

/// Quantile breaks: the upper bounds of the lowest of `k` classes holding about equal numbers
/// of `values` (nearest rank), equal bounds merged, so ties can give fewer classes.
pub fn quantile_breaks(values: &[f64], k: usize) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    let mut out: Vec<f64> = (1..k)
        .filter_map(|c| percentile_sorted(&v, c as f64 / k as f64))
        .collect();
    out.dedup();
    if out.last() == v.last() {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_even_and_odd_counts() {
        assert_eq!(median(&mut [4.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }

    #[test]
    fn sd_and_cv_by_hand() {
        // 2, 4, 4, 4, 5, 5, 7, 9: μ = 5, σ = 2
        let x = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        assert_eq!(sd(&x, 5.0), 2.0);
        assert_eq!(cv(&x), Some(0.4));
        assert_eq!(cv(&[0.0, 0.0]), None);
    }

    #[test]
    fn nearest_rank() {
        let v: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(percentile_sorted(&v, 0.05), Some(1.0));
        assert_eq!(percentile_sorted(&v, 0.5), Some(10.0));
        assert_eq!(percentile_sorted(&v, 0.95), Some(19.0));
        assert_eq!(percentile_sorted(&[], 0.5), None);
    }

    /// The natural breaks against an exhaustive search over every split of small samples.
    #[test]
    fn natural_breaks_are_optimal() {
        let mut seed = 7u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let sse = |v: &[f64]| {
            let m = v.iter().sum::<f64>() / v.len() as f64;
            v.iter().map(|x| (x - m) * (x - m)).sum::<f64>()
        };
        for _ in 0..200 {
            let n = 4 + (next() % 9) as usize;
            let mut v: Vec<f64> = (0..n).map(|_| (next() % 20) as f64).collect();
            v.sort_by(f64::total_cmp);
            let k = 2 + (next() % 3) as usize;
            let b = natural_breaks(&v, k);
            // Brute force over distinct-value split points.
            let mut d: Vec<f64> = v.clone();
            d.dedup();
            let kk = k.min(d.len());
            let cost = |breaks: &[f64]| -> f64 {
                let mut total = 0.0;
                let mut lo = f64::NEG_INFINITY;
                for hi in breaks.iter().copied().chain([f64::INFINITY]) {
                    let cls: Vec<f64> = v.iter().copied().filter(|&x| x > lo && x <= hi).collect();
                    if !cls.is_empty() {
                        total += sse(&cls);
                    }
                    lo = hi;
                }
                total
            };
            let mut best = f64::INFINITY;
            let combos = 1u32 << (d.len() - 1);
            for mask in 0..combos {
                if mask.count_ones() as usize != kk - 1 {
                    continue;
                }
                let br: Vec<f64> = (0..d.len() - 1)
                    .filter(|i| mask >> i & 1 == 1)
                    .map(|i| d[i])
                    .collect();
                best = best.min(cost(&br));
            }
            assert_eq!(b.len(), kk.saturating_sub(1));
            assert!(
                (cost(&b) - best).abs() < 1e-9,
                "{v:?} k={k}: {b:?} {} vs {best}",
                cost(&b)
            );
        }
        assert_eq!(natural_breaks(&[3.0, 3.0, 3.0], 4), Vec::<f64>::new());
        assert_eq!(natural_breaks(&[1.0, 1.0, 9.0, 9.0], 4), vec![1.0]);
    }

    #[test]
    fn quantile_breaks_merge_ties() {
        let v: Vec<f64> = (1..=8).map(f64::from).collect();
        assert_eq!(quantile_breaks(&v, 4), vec![2.0, 4.0, 6.0]);
        assert_eq!(quantile_breaks(&[1.0, 1.0, 1.0, 5.0], 4), vec![1.0]);
    }
}
