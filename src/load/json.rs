//! A compact JSON tree for GeoJSON geometries, read one feature at a time.
//!
//! [`serde_json::Value`] spends about 200 bytes on a position `[x, y]` (an array value, its
//! heap buffer and two number values); [`Json::Pair`] holds one in 40. Everything else is as
//! in `Value`, and [`Json::to_value`] gives the `Value` serde_json would have read, for
//! messages and for the feature's other members.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// A JSON value; an array of exactly two numbers is a [`Json::Pair`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    /// An array of two numbers: a position.
    Pair(Number, Number),
    Array(Vec<Json>),
    /// Members in file order; a repeated key is looked up by its last occurrence, as
    /// serde_json's `Value` keeps the last.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The member `key` of an object (its last occurrence).
    pub(crate) fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(m) => m.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    /// The elements of an array (a pair's two numbers included).
    pub(crate) fn items(&self) -> Option<Cow<'_, [Json]>> {
        match self {
            Json::Array(a) => Some(Cow::Borrowed(a)),
            Json::Pair(x, y) => Some(Cow::Owned(vec![
                Json::Number(x.clone()),
                Json::Number(y.clone()),
            ])),
            _ => None,
        }
    }

    /// "null", "a number", … for messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Pair(..) | Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }

    /// The `Value` serde_json reads from the same text.
    pub(crate) fn to_value(&self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => Value::Number(n.clone()),
            Json::String(s) => Value::String(s.clone()),
            Json::Pair(x, y) => {
                Value::Array(vec![Value::Number(x.clone()), Value::Number(y.clone())])
            }
            Json::Array(a) => Value::Array(a.iter().map(Json::to_value).collect()),
            Json::Object(m) => Value::Object(to_map(m.iter().map(|(k, v)| (k, v)))),
        }
    }
}

/// Members into a map, a repeated key keeping its first place and its last value (as
/// serde_json's `Value` does).
pub(crate) fn to_map<'a>(
    members: impl Iterator<Item = (&'a String, &'a Json)>,
) -> Map<String, Value> {
    let mut map = Map::new();
    for (k, v) in members {
        map.insert(k.clone(), v.to_value());
    }
    map
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, b: bool) -> Result<Json, E> {
        Ok(Json::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Json, E> {
        Ok(Json::Number(n.into()))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Json, E> {
        Ok(Json::Number(n.into()))
    }
    fn visit_f64<E>(self, x: f64) -> Result<Json, E> {
        // serde_json only hands out finite floats; `Value` would turn others into null.
        Ok(Number::from_f64(x).map_or(Json::Null, Json::Number))
    }
    fn visit_str<E>(self, s: &str) -> Result<Json, E> {
        Ok(Json::String(s.to_string()))
    }
    fn visit_string<E>(self, s: String) -> Result<Json, E> {
        Ok(Json::String(s))
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        Json::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        // Two numbers and nothing more make a pair, without a buffer.
        if let Some(first) = seq.next_element::<Json>()? {
            if let Json::Number(x) = &first {
                if let Some(second) = seq.next_element::<Json>()? {
                    if let Json::Number(y) = &second {
                        match seq.next_element::<Json>()? {
                            None => return Ok(Json::Pair(x.clone(), y.clone())),
                            Some(third) => items.extend([first, second, third]),
                        }
                    } else {
                        items.extend([first, second]);
                    }
                } else {
                    items.push(first);
                }
            } else {
                items.push(first);
            }
        }
        while let Some(v) = seq.next_element::<Json>()? {
            items.push(v);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut members = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Json>()? {
            members.push((k, v));
        }
        Ok(Json::Object(members))
    }
}

/// A JSON syntax error of `file`: its line and column as the location, and serde_json's
/// message without its own " at line … column …" (the location says it once).
pub(crate) fn syntax_error(file: &str, e: &serde_json::Error) -> crate::Error {
    let msg = e.to_string();
    let msg = msg
        .rsplit_once(" at line ")
        .map_or(msg.as_str(), |(m, _)| m);
    crate::Error::input(
        file,
        crate::Location::Line {
            line: e.line() as u64,
            column: Some(e.column() as u64),
        },
        format!("not valid JSON: {msg}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A position costs 40 bytes, not `Value`'s 200 (the point of this type).
    #[test]
    fn a_pair_is_small() {
        assert!(
            std::mem::size_of::<Json>() <= 40,
            "{}",
            std::mem::size_of::<Json>()
        );
    }

    /// Every value reads back as serde_json's `Value`, pairs or not.
    #[test]
    fn to_value_is_what_serde_json_reads() {
        for text in [
            r#"[1, 2]"#,
            r#"[1.0, -2.5e3]"#,
            r#"[1, 2, 3]"#,
            r#"[1, "a"]"#,
            r#"["a", 1]"#,
            r#"[[1, 2], [3, 4.5], []]"#,
            r#"{"b": 1, "a": [1, 2], "b": null}"#,
            r#"[true, null, "x", 18446744073709551615, -9223372036854775808]"#,
        ] {
            let j: Json = serde_json::from_str(text).unwrap();
            let v: Value = serde_json::from_str(text).unwrap();
            assert_eq!(j.to_value(), v, "{text}");
            assert_eq!(j.to_value().to_string(), v.to_string(), "{text}");
        }
        let p: Json = serde_json::from_str("[104, 30.5]").unwrap();
        assert_eq!(p, Json::Pair(104.into(), Number::from_f64(30.5).unwrap()));
        assert_eq!(p.items().unwrap().len(), 2);
        let o: Json = serde_json::from_str(r#"{"k": 1, "k": 2}"#).unwrap();
        assert_eq!(o.get("k"), Some(&Json::Number(2.into())));
    }
}
