//! Distance-decay functions f(t) of travel time t (minutes) for potential accessibility.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// A decay family with its parameters.
///
/// | spec | f(t) | column |
/// | --- | --- | --- |
/// | `power:a` | t^(−a) | `potential_pow<a>` |
/// | `exp:β` | e^(−β·t) | `potential_exp<β>` |
/// | `gauss:σ` | e^(−t² / 2σ²) | `potential_gauss<σ>` |
/// | `logistic:t0:k` | 1 / (1 + e^(k·(t − t0))) | `potential_logistic<t0>_<k>` |
/// | `step:T` | 1 if t ≤ T else 0 (cumulative opportunities) | `potential_step<T>` |
///
/// Parameters are in minutes (T, σ, t0) or per minute (β, k); a is dimensionless. Decimal
/// points become `_` in column names (`power:1.5` → `potential_pow1_5`).
///
/// References: Hansen (1959) for potential accessibility; Geurs & van Wee (2004) and
/// Kwan (1998) for the decay families; the power form with a = 1 is the common choice in the
/// Chengdu–Chongqing literature.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "family", rename_all = "snake_case")]
pub enum Decay {
    /// t^(−a).
    Power {
        /// Exponent a > 0.
        a: f64,
    },
    /// e^(−β t).
    Exp {
        /// Rate β > 0, per minute.
        beta: f64,
    },
    /// e^(−t² / 2σ²).
    Gaussian {
        /// σ > 0, minutes.
        sigma: f64,
    },
    /// 1 / (1 + e^(k (t − t0))).
    Logistic {
        /// Half-value time t0 > 0, minutes.
        t0: f64,
        /// Steepness k > 0, per minute.
        k: f64,
    },
    /// 1 within T minutes, else 0.
    Step {
        /// Threshold T > 0, minutes.
        max: f64,
    },
}

impl Decay {
    /// The decay weight at `t` minutes (t ≥ 0).
    ///
    /// # Examples
    /// ```
    /// # use regionlink::model::Decay;
    /// assert_eq!(Decay::Power { a: 1.0 }.weight(20.0), 0.05);
    /// assert_eq!(Decay::Step { max: 60.0 }.weight(60.0), 1.0);
    /// assert_eq!(Decay::Step { max: 60.0 }.weight(60.5), 0.0);
    /// ```
    #[inline]
    pub fn weight(&self, t: f64) -> f64 {
        match *self {
            Decay::Power { a } => t.powf(-a),
            Decay::Exp { beta } => (-beta * t).exp(),
            Decay::Gaussian { sigma } => (-(t * t) / (2.0 * sigma * sigma)).exp(),
            Decay::Logistic { t0, k } => 1.0 / (1.0 + (k * (t - t0)).exp()),
            Decay::Step { max } => {
                if t <= max {
                    1.0
                } else {
                    0.0
                }
            }
        }
    }

    /// Whether f(0) is infinite (power decay), so a zero time cannot be weighted.
    pub fn infinite_at_zero(&self) -> bool {
        matches!(self, Decay::Power { .. })
    }

    /// The output column name, e.g. `potential_pow1_5`.
    pub fn column(&self) -> String {
        let n = |x: f64| {
            let s = format!("{x}");
            s.replace('.', "_").replace('-', "m")
        };
        match *self {
            Decay::Power { a } => format!("potential_pow{}", n(a)),
            Decay::Exp { beta } => format!("potential_exp{}", n(beta)),
            Decay::Gaussian { sigma } => format!("potential_gauss{}", n(sigma)),
            Decay::Logistic { t0, k } => format!("potential_logistic{}_{}", n(t0), n(k)),
            Decay::Step { max } => format!("potential_step{}", n(max)),
        }
    }
}

/// The first two decays of `decays` that give the same output column, if any.
pub fn clash(decays: &[Decay]) -> Option<(Decay, Decay)> {
    decays.iter().enumerate().find_map(|(i, a)| {
        decays[i + 1..]
            .iter()
            .find(|b| b.column() == a.column())
            .map(|b| (*a, *b))
    })
}

impl fmt::Display for Decay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Decay::Power { a } => write!(f, "power:{a}"),
            Decay::Exp { beta } => write!(f, "exp:{beta}"),
            Decay::Gaussian { sigma } => write!(f, "gauss:{sigma}"),
            Decay::Logistic { t0, k } => write!(f, "logistic:{t0}:{k}"),
            Decay::Step { max } => write!(f, "step:{max}"),
        }
    }
}

impl FromStr for Decay {
    type Err = String;

    /// Parse `family:param[:param]`, e.g. `power:1.5`, `exp:0.0116`, `logistic:60:0.1`.
    fn from_str(s: &str) -> Result<Self, String> {
        let parts: Vec<&str> = s.trim().split(':').collect();
        let num = |i: usize, what: &str| -> Result<f64, String> {
            let p = parts
                .get(i)
                .ok_or_else(|| format!("decay \"{s}\": missing {what}"))?;
            match p.trim().parse::<f64>() {
                Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
                _ => Err(format!(
                    "decay \"{s}\": {what} is \"{p}\", expected a positive number"
                )),
            }
        };
        let arity = |n: usize| -> Result<(), String> {
            if parts.len() == n + 1 {
                Ok(())
            } else {
                Err(format!(
                    "decay \"{s}\": expected {n} parameter(s) after the family"
                ))
            }
        };
        let d = match parts[0].trim() {
            "power" | "pow" => {
                arity(1)?;
                Decay::Power {
                    a: num(1, "exponent a")?,
                }
            }
            "exp" => {
                arity(1)?;
                Decay::Exp {
                    beta: num(1, "rate β")?,
                }
            }
            "gauss" | "gaussian" => {
                arity(1)?;
                Decay::Gaussian {
                    sigma: num(1, "σ (minutes)")?,
                }
            }
            "logistic" => {
                arity(2)?;
                Decay::Logistic {
                    t0: num(1, "t0 (minutes)")?,
                    k: num(2, "steepness k")?,
                }
            }
            "step" => {
                arity(1)?;
                Decay::Step {
                    max: num(1, "threshold (minutes)")?,
                }
            }
            other => {
                return Err(format!(
                    "decay \"{s}\": unknown family \"{other}\", expected power, exp, gauss, logistic or step"
                ));
            }
        };
        Ok(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_by_hand() {
        // power a=1.5 at 4 min: 4^-1.5 = 1/8
        assert_eq!(Decay::Power { a: 1.5 }.weight(4.0), 0.125);
        // exp β=ln2/10 at 10 min: 1/2
        assert!(
            (Decay::Exp {
                beta: std::f64::consts::LN_2 / 10.0
            }
            .weight(10.0)
                - 0.5)
                .abs()
                < 1e-15
        );
        // gauss σ=10 at 10 min: e^-0.5
        assert!((Decay::Gaussian { sigma: 10.0 }.weight(10.0) - (-0.5f64).exp()).abs() < 1e-15);
        // logistic at t0: 1/2
        assert_eq!(Decay::Logistic { t0: 60.0, k: 0.1 }.weight(60.0), 0.5);
    }

    #[test]
    fn parse_and_name() {
        let d: Decay = "power:1.5".parse().unwrap();
        assert_eq!(d, Decay::Power { a: 1.5 });
        assert_eq!(d.column(), "potential_pow1_5");
        assert_eq!(
            "exp:0.0116".parse::<Decay>().unwrap().column(),
            "potential_exp0_0116"
        );
        assert_eq!(
            "logistic:60:0.1".parse::<Decay>().unwrap().column(),
            "potential_logistic60_0_1"
        );
        assert_eq!("power:1".parse::<Decay>().unwrap().to_string(), "power:1");
        assert_eq!(
            "cubic:2".parse::<Decay>().unwrap_err(),
            "decay \"cubic:2\": unknown family \"cubic\", expected power, exp, gauss, logistic or step"
        );
        assert_eq!(
            "exp:-1".parse::<Decay>().unwrap_err(),
            "decay \"exp:-1\": rate β is \"-1\", expected a positive number"
        );
        assert_eq!(
            "logistic:60".parse::<Decay>().unwrap_err(),
            "decay \"logistic:60\": expected 2 parameter(s) after the family"
        );
    }
}
