//! The units: points near random road nodes with Pareto populations.

use super::*;

pub(super) fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    Haversine.distance(Point::new(a.0, a.1), Point::new(b.0, b.1))
}

pub(super) fn place_units(nodes: &[SynthNode], k: usize, seed: u64) -> Vec<SynthUnit> {
    let n = nodes.len();
    let mut rng = Rng::new(seed, STAGE_UNITS);
    // k distinct nodes, in draw order.
    let picked: Vec<usize> = if 2 * k >= n {
        let mut all: Vec<usize> = (0..n).collect();
        for i in 0..k {
            let j = i + rng.below(n - i);
            all.swap(i, j);
        }
        all.truncate(k);
        all
    } else {
        let mut seen = BTreeSet::new();
        let mut out = Vec::with_capacity(k);
        while out.len() < k {
            let i = rng.below(n);
            if seen.insert(i) {
                out.push(i);
            }
        }
        out
    };
    let width = k.to_string().len().max(4);
    let mut units: Vec<SynthUnit> = picked
        .iter()
        .enumerate()
        .map(|(u, &i)| {
            let node = &nodes[i];
            let angle = std::f64::consts::TAU * rng.f64();
            let d_km = UNIT_OFFSET_KM * rng.f64().sqrt(); // uniform over the disc
            let km_per_lon_deg = KM_PER_DEG * node.lat.to_radians().cos();
            SynthUnit {
                code: format!("S{:0width$}", u + 1),
                name: format!("Synth {}", u + 1),
                lon: round7(node.lon + d_km * angle.cos() / km_per_lon_deg),
                lat: round7(node.lat + d_km * angle.sin() / KM_PER_DEG),
                population: 0,
            }
        })
        .collect();

    // Populations: a Pareto law truncated to [L, H] by its inverse distribution function.
    let mut rng = Rng::new(seed, STAGE_POPULATION);
    let (lo, hi) = (POPULATION_RANGE.0 as f64, POPULATION_RANGE.1 as f64);
    let tail = 1.0 - (lo / hi).powf(PARETO_ALPHA);
    let mut pops: Vec<u64> = (0..k)
        .map(|_| {
            let x = lo / (1.0 - rng.f64() * tail).powf(1.0 / PARETO_ALPHA);
            (x.round() as u64).clamp(POPULATION_RANGE.0, POPULATION_RANGE.1)
        })
        .collect();

    // The two cores, far apart: the unit farthest from the centroid, then the unit farthest
    // from that one. They get the two largest populations.
    let pos = |u: &SynthUnit| (u.lon, u.lat);
    let centroid = (
        units.iter().map(|u| u.lon).sum::<f64>() / k as f64,
        units.iter().map(|u| u.lat).sum::<f64>() / k as f64,
    );
    let farthest = |from: (f64, f64), skip: Option<usize>| {
        let mut best = (usize::MAX, f64::NEG_INFINITY);
        for (i, u) in units.iter().enumerate() {
            let d = distance_m(from, pos(u));
            if Some(i) != skip && d > best.1 {
                best = (i, d);
            }
        }
        best.0
    };
    let a = farthest(centroid, None);
    let b = farthest(pos(&units[a]), Some(a));
    let argmax = |pops: &[u64], skip: Option<usize>| {
        let mut best = (usize::MAX, 0);
        for (i, &p) in pops.iter().enumerate() {
            if Some(i) != skip && (best.0 == usize::MAX || p > best.1) {
                best = (i, p);
            }
        }
        best.0
    };
    let top = argmax(&pops, None);
    pops.swap(top, a);
    let second = argmax(&pops, Some(a));
    pops.swap(second, b);
    for (u, p) in units.iter_mut().zip(pops) {
        u.population = p;
    }
    units
}

/// Unit indices: the largest by population first (ties: the earlier unit).
pub(super) fn ranked_units(units: &[SynthUnit]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..units.len()).collect();
    idx.sort_by(|&a, &b| {
        units[b]
            .population
            .cmp(&units[a].population)
            .then(a.cmp(&b))
    });
    idx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn cores_get_the_two_largest_populations() {
        let s = generate(&SynthOptions {
            nodes: 2_500,
            seed: 3,
            units: Some(50),
        })
        .unwrap();
        let ranked = ranked_units(&s.units);
        let (a, b) = (&s.units[ranked[0]], &s.units[ranked[1]]);
        // Far apart: more than half the grid's 50 km side.
        assert!(distance_m((a.lon, a.lat), (b.lon, b.lat)) > 25_000.0);
    }
}
