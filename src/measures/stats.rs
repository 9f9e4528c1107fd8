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
}
