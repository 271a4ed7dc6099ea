/*!
Reading `--previous FILE`: the JSON results of an earlier `kpilens report --json`, read
into the tolerant [`PreviousRun`] the comparison needs (docs/interface.md §8).

The file is read before any output is written, because it may be the very file this
run's `--json` replaces. A missing or unreadable file is exit 4; bytes that are not
JSON, or JSON that is not a kpilens results object (no `"tool": {"name": "kpilens"}`),
exit 3 naming the file. Inside a results object nothing is required: an earlier
version's file is read for the fields it has, and a field of an unexpected type counts
as absent rather than failing the run.

The file is parsed a piece (a KPI, a lead-lag pair) at a time: the piece's text, then
its JSON tree (a KPI's series read straight into points, [`kpi_piece`]), then what the
comparison keeps of it. A file of up to [`READ_WHOLE`] is read into memory first and
parsed from there; a larger one is parsed as it is read. A JSON tree takes up to some
thirty times its text, so the whole file's tree is never made, and each piece's text
and all that is kept have limits ([`MAX_PIECE`], [`MAX_KEPT`]): a forged file cannot
fill memory.
*/
use std::fmt;
use std::io::{BufReader, Read};
use std::path::Path;

use chrono::NaiveDate;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::previous::{
    PreviousKpi, PreviousPair, PreviousPoint, PreviousRun, PreviousSignal,
};

/// What to do when the file is not what `--previous` needs.
const FIX: &str = "give --previous the JSON file an earlier `kpilens report --json` wrote";

/// What to do when the file is larger than `--previous` reads.
const SMALLER: &str =
    "compare reports of fewer KPIs or a shorter --window, or leave --previous out";

/// Largest results file read: the results of a report of 100,000 KPIs (the most one
/// report analyses) with the default window of 24 periods take about 1.1 GB. The file
/// is parsed as it is read, so its size is not held in memory.
const MAX_BYTES: u64 = 1536 * 1024 * 1024;

/// Results files up to this size are read whole and parsed from memory: parsing through
/// a reader goes a byte at a time, keeping count of lines and columns (about 90 MB/s),
/// and reading whole took a 1,000-KPI report with `--previous` from 0.88 to 0.81 s.
/// Larger files are parsed as they are read, so their size is never held in memory.
const READ_WHOLE: u64 = 256 * 1024 * 1024;

/// Largest piece of the file read as a JSON tree (a KPI's object, a lead-lag pair, the
/// `tool` object), which takes up to some thirty times its text: a KPI of 10,000
/// periods (the longest window) writes about 5 MB.
const MAX_PIECE: usize = 16 * 1024 * 1024;

/// Most memory what is kept of the file may take (see [`kpi_bytes`], [`pair_bytes`]):
/// the results of 100,000 KPIs with a window of 24 periods keep about 220 MB. A forged
/// file of many tiny KPIs or points stops here rather than filling memory.
const MAX_KEPT: usize = 768 * 1024 * 1024;

/// What is kept of a results file at most: bytes of memory (see [`MAX_KEPT`]), and the
/// text of one piece read as a JSON tree.
#[derive(Clone, Copy)]
struct Limits {
    kept: usize,
    piece: usize,
    /// Files up to this size are read whole (see [`READ_WHOLE`]).
    whole: u64,
}

/// Read and check the earlier results file.
pub fn read(path: &Path) -> Result<PreviousRun> {
    read_within(
        path,
        Limits {
            kept: MAX_KEPT,
            piece: MAX_PIECE,
            whole: READ_WHOLE,
        },
    )
}

/// [`read`] within `limits`.
fn read_within(path: &Path, limits: Limits) -> Result<PreviousRun> {
    let shown = path.display().to_string();
    // Only a regular file of a sane size: not a folder, a device or a pipe.
    let size = std::fs::metadata(path)
        .ok()
        .map(|meta| (meta.is_file(), meta.len()));
    if let Some((is_file, len)) = size {
        if !is_file {
            return Err(Error::read(&shown, format!("not a regular file; {FIX}")));
        }
        if len > MAX_BYTES {
            return Err(Error::read(
                &shown,
                format!(
                    "{} MB is more than --previous reads (at most {} MB); {SMALLER}",
                    len.div_ceil(1024 * 1024),
                    MAX_BYTES / (1024 * 1024)
                ),
            ));
        }
    }
    let file = std::fs::File::open(path).map_err(|e| {
        let reason = if e.kind() == std::io::ErrorKind::NotFound {
            format!("no such file; {FIX}, or leave --previous out for the first report")
        } else {
            format!("{e}; {FIX}")
        };
        Error::read(&shown, reason)
    })?;
    let mut kept = 0;
    let parsed = match size {
        Some((_, len)) if len <= limits.whole => {
            // Never more than the largest file read, should it grow meanwhile.
            let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
            file.take(MAX_BYTES)
                .read_to_end(&mut bytes)
                .map_err(|e| Error::read(&shown, format!("{e}; {FIX}")))?;
            parse(
                serde_json::Deserializer::from_slice(&bytes),
                limits,
                &mut kept,
            )
        }
        _ => parse(
            serde_json::Deserializer::from_reader(BufReader::with_capacity(1 << 20, file)),
            limits,
            &mut kept,
        ),
    };
    let top = parsed.map_err(|e| {
        if e.is_io() {
            Error::read(&shown, format!("{e}; {FIX}"))
        } else if e.is_data() {
            // Raised by `tree` (a piece too large, or not JSON within), in its words.
            Error::Data(format!("{shown} is not a kpilens results file: {e}; {FIX}"))
        } else {
            Error::Data(format!(
                "{shown} is not a kpilens results file: it is not JSON ({e}); {FIX}"
            ))
        }
    })?;
    if kept > limits.kept {
        return Err(Error::Data(format!(
            "what the comparison keeps of {shown} would take more than {} MB; {SMALLER}",
            limits.kept.div_ceil(1024 * 1024)
        )));
    }
    match top.filter(Top::is_ours) {
        Some(top) => Ok(top.into_run(shown)),
        None => Err(Error::Data(format!(
            "{shown} is not a kpilens results file: it has no \"tool\": {{\"name\": \"kpilens\"}}; {FIX}"
        ))),
    }
}

/// The results object read by `de`, to its end; what is kept counted in `kept`.
fn parse<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
    limits: Limits,
    kept: &mut usize,
) -> serde_json::Result<Option<Top>> {
    let top = de.deserialize_any(TopVisitor { kept, limits })?;
    de.end()?;
    Ok(top)
}

/// The fields of the results object the comparison reads, as they are met (a key given
/// twice keeps its last value, as a JSON tree would).
#[derive(Default)]
struct Top {
    tool: Option<Value>,
    as_of: Option<Value>,
    rules: Option<Value>,
    /// `None` when `kpis` is missing or not an array.
    kpis: Option<Vec<PreviousKpi>>,
    correlations: Option<Vec<PreviousPair>>,
}

impl Top {
    /// Is this a kpilens results object (`"tool": {"name": "kpilens"}`)?
    fn is_ours(&self) -> bool {
        self.tool
            .as_ref()
            .and_then(|t| t.get("name"))
            .and_then(Value::as_str)
            == Some("kpilens")
    }

    fn into_run(self, path: String) -> PreviousRun {
        PreviousRun {
            path,
            version: self
                .tool
                .as_ref()
                .and_then(|t| t.get("version"))
                .and_then(text),
            as_of: self.as_of.as_ref().and_then(date),
            rules: self.rules.as_ref().and_then(text),
            kpis: self.kpis.unwrap_or_default(),
            correlations: self.correlations,
        }
    }
}

/// The `Visitor` methods for a JSON scalar where the visitor reads an object or an
/// array: the scalar gives `$none`, as a field of an unexpected type counts as absent
/// (or, for [`Skip`], as any value is dropped).
macro_rules! scalars_are {
    ($none:expr) => {
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> std::result::Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_i64<E: serde::de::Error>(self, _: i64) -> std::result::Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_u64<E: serde::de::Error>(self, _: u64) -> std::result::Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_f64<E: serde::de::Error>(self, _: f64) -> std::result::Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_str<E: serde::de::Error>(self, _: &str) -> std::result::Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<Self::Value, E> {
            Ok($none)
        }
    };
}

/// The results object, field by field; `None` for JSON that is not an object.
struct TopVisitor<'p> {
    /// Bytes of what was met so far, kept up to `limits.kept`.
    kept: &'p mut usize,
    limits: Limits,
}

impl<'de> Visitor<'de> for TopVisitor<'_> {
    type Value = Option<Top>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a kpilens results object")
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut top = Top::default();
        let (kept, limits) = (self.kept, self.limits);
        // The value of the key just read, as a JSON tree.
        let piece = |map: &mut A| tree(&map.next_value::<Box<RawValue>>()?, limits.piece);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "tool" => top.tool = Some(piece(&mut map)?),
                "as_of" => top.as_of = Some(piece(&mut map)?),
                "rules" => top.rules = Some(piece(&mut map)?),
                "kpis" => {
                    top.kpis = map.next_value_seed(ArrayOf(limits.piece, kpi_piece, |k| {
                        let k = k?;
                        *kept += kpi_bytes(&k);
                        // Past the limit the file is read to its end, keeping nothing.
                        (*kept <= limits.kept).then_some(k)
                    }))?;
                }
                "correlations" => {
                    top.correlations = map.next_value_seed(ArrayOf(
                        limits.piece,
                        tree::<serde_json::Error>,
                        |v: Value| {
                            let p = pair(&v)?;
                            *kept += pair_bytes(&p);
                            (*kept <= limits.kept).then_some(p)
                        },
                    ))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Some(top))
    }

    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    scalars_are!(None);
}

/// An array whose elements are read one at a time: each element's text (of at most the
/// given size) read by `R` (as a JSON tree, say), which `F` turns into what is kept (or
/// `None`, left out); `None` for any other JSON.
struct ArrayOf<R, F>(usize, R, F);

impl<'de, P, T, R, F> DeserializeSeed<'de> for ArrayOf<R, F>
where
    R: Fn(&RawValue, usize) -> serde_json::Result<P>,
    F: FnMut(P) -> Option<T>,
{
    type Value = Option<Vec<T>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, P, T, R, F> Visitor<'de> for ArrayOf<R, F>
where
    R: Fn(&RawValue, usize) -> serde_json::Result<P>,
    F: FnMut(P) -> Option<T>,
{
    type Value = Option<Vec<T>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(
        mut self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(raw) = seq.next_element::<Box<RawValue>>()? {
            let piece = (self.1)(&raw, self.0).map_err(serde::de::Error::custom)?;
            out.extend((self.2)(piece));
        }
        Ok(Some(out))
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    scalars_are!(None);
}

/// A piece of the file as a JSON tree, once its text is known to be of a size kpilens
/// writes (a tree takes several times its text, and a forged piece could be the whole
/// file).
fn tree<E: serde::de::Error>(raw: &RawValue, piece: usize) -> std::result::Result<Value, E> {
    serde_json::from_str(sized(raw, piece)?).map_err(|e| E::custom(format!("it is not JSON ({e})")))
}

/// A piece's text, if it is of a size kpilens writes.
fn sized<E: serde::de::Error>(raw: &RawValue, piece: usize) -> std::result::Result<&str, E> {
    let text = raw.get();
    if text.len() > piece {
        return Err(E::custom(format!(
            "one of its values takes {} MB, more than kpilens writes for a KPI ({} MB at most)",
            text.len().div_ceil(1024 * 1024),
            piece.div_ceil(1024 * 1024)
        )));
    }
    Ok(text)
}

/// A KPI's piece as [`tree`] reads it, but its series, most of its text, read straight
/// into points: a point's fields other than those kept are checked as a tree would
/// check them and dropped, rather than built into a map of owned keys first. The same
/// KPI, or the same error, as `kpi(&tree(..))`.
fn kpi_piece(raw: &RawValue, piece: usize) -> serde_json::Result<Option<PreviousKpi>> {
    use serde::de::Error as _;
    let mut de = serde_json::Deserializer::from_str(sized::<serde_json::Error>(raw, piece)?);
    let read = de
        .deserialize_any(KpiVisitor)
        .and_then(|k| de.end().map(|()| k));
    let (fields, series) =
        read.map_err(|e| serde_json::Error::custom(format!("it is not JSON ({e})")))?;
    Ok(kpi_with(&fields, series))
}

/// A KPI object's fields as a JSON tree, but its series, read as points (`None` when
/// not an array; the last of a repeated key, as in a tree); `Value::Null` and no series
/// for JSON that is not an object.
struct KpiVisitor;

impl<'de> Visitor<'de> for KpiVisitor {
    type Value = (Value, Option<Vec<PreviousPoint>>);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a KPI object")
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut fields = serde_json::Map::new();
        let mut series = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "series" {
                series = map.next_value_seed(Points)?;
            } else {
                fields.insert(key, map.next_value()?);
            }
        }
        Ok((Value::Object(fields), series))
    }

    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok((Value::Null, None))
    }

    scalars_are!((Value::Null, None));
}

/// A series read straight into points: `None` for JSON that is not an array, and a
/// point for each element [`point_with`] keeps.
struct Points;

impl<'de> DeserializeSeed<'de> for Points {
    type Value = Option<Vec<PreviousPoint>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Points {
    type Value = Option<Vec<PreviousPoint>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a series")
    }

    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(p) = seq.next_element::<PointFields>()? {
            out.extend(point_with(|f| p.get(f)));
        }
        Ok(Some(out))
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        while map.next_entry::<Skip, Skip>()?.is_some() {}
        Ok(None)
    }

    scalars_are!(None);
}

/// The fields of a point [`point_with`] reads, as JSON trees (the last of a repeated
/// key); none for JSON that is not an object.
#[derive(Default)]
struct PointFields {
    period: Option<Value>,
    value: Option<Value>,
    target: Option<Value>,
    target_min: Option<Value>,
    target_max: Option<Value>,
}

impl PointFields {
    fn get(&self, field: &str) -> Option<&Value> {
        match field {
            "period" => self.period.as_ref(),
            "value" => self.value.as_ref(),
            "target" => self.target.as_ref(),
            "target_min" => self.target_min.as_ref(),
            "target_max" => self.target_max.as_ref(),
            _ => None,
        }
    }
}

impl<'de> serde::Deserialize<'de> for PointFields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(PointVisitor)
    }
}

struct PointVisitor;

impl<'de> Visitor<'de> for PointVisitor {
    type Value = PointFields;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a point")
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<PointFields, A::Error> {
        let mut p = PointFields::default();
        while let Some(key) = map.next_key::<String>()? {
            let slot = match key.as_str() {
                "period" => &mut p.period,
                "value" => &mut p.value,
                "target" => &mut p.target,
                "target_min" => &mut p.target_min,
                "target_max" => &mut p.target_max,
                _ => {
                    map.next_value::<Skip>()?;
                    continue;
                }
            };
            *slot = Some(map.next_value()?);
        }
        Ok(p)
    }

    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<PointFields, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(PointFields::default())
    }

    scalars_are!(PointFields::default());
}

/// A value read and dropped: parsed as a JSON tree would parse it (a number out of
/// range is an error there too), kept nowhere.
struct Skip;

impl<'de> serde::Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(SkipVisitor)
    }
}

struct SkipVisitor;

impl<'de> Visitor<'de> for SkipVisitor {
    type Value = Skip;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON")
    }
    scalars_are!(Skip);
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Skip, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Skip)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Skip, A::Error> {
        while map.next_entry::<Skip, Skip>()?.is_some() {}
        Ok(Skip)
    }
}

/// About the memory a kept KPI takes, with its texts, series and signals.
fn kpi_bytes(k: &PreviousKpi) -> usize {
    let texts = [
        &k.direction,
        &k.grain,
        &k.status,
        &k.variation,
        &k.assurance,
        &k.action,
        &k.realism,
    ];
    let signals = k.signals.iter().flatten();
    std::mem::size_of::<PreviousKpi>()
        + k.name.len()
        + texts
            .iter()
            .map(|t| t.as_ref().map_or(0, String::len))
            .sum::<usize>()
        + k.series.as_ref().map_or(0, Vec::len) * std::mem::size_of::<PreviousPoint>()
        + signals
            .map(|s| std::mem::size_of::<PreviousSignal>() + s.rule.len() + s.side.len())
            .sum::<usize>()
}

/// About the memory a kept lead-lag pair takes, with its names.
fn pair_bytes(p: &PreviousPair) -> usize {
    std::mem::size_of::<PreviousPair>() + p.leading.len() + p.lagging.len()
}

/// One KPI; one without a name cannot be matched and is left out.
#[cfg(test)]
fn kpi(v: &Value) -> Option<PreviousKpi> {
    let series = v
        .get("series")
        .and_then(Value::as_array)
        .map(|ps| ps.iter().filter_map(point).collect());
    kpi_with(v, series)
}

/// One KPI from its fields but the series, and its series as read.
fn kpi_with(v: &Value, series: Option<Vec<PreviousPoint>>) -> Option<PreviousKpi> {
    let name = v.get("name").and_then(text)?;
    let word = |block: &str, field: &str| v.get(block).and_then(|b| b.get(field)).and_then(text);
    Some(PreviousKpi {
        name,
        direction: v.get("direction").and_then(text),
        grain: v.get("grain").and_then(text),
        first_period: v.get("first_period").and_then(date),
        period: v.get("latest").and_then(|l| l.get("period")).and_then(date),
        status: word("latest", "status"),
        variation: word("spc", "variation"),
        assurance: word("spc", "assurance"),
        action: word("health", "action"),
        realism: word("targets", "realism"),
        signals: v
            .get("spc")
            .and_then(|s| s.get("signals"))
            .and_then(Value::as_array)
            .map(|ss| ss.iter().filter_map(signal).collect()),
        series,
    })
}

fn signal(v: &Value) -> Option<PreviousSignal> {
    Some(PreviousSignal {
        rule: v.get("rule").and_then(text)?,
        period: v.get("period").and_then(date)?,
        side: v.get("side").and_then(text)?,
    })
}

#[cfg(test)]
fn point(v: &Value) -> Option<PreviousPoint> {
    point_with(|field| v.get(field))
}

/// A point from its fields; one without a period is left out.
fn point_with<'v>(get: impl Fn(&str) -> Option<&'v Value>) -> Option<PreviousPoint> {
    // `null` is a value that is missing; a field of another type counts as absent.
    let number = |field: &str| {
        get(field).and_then(|x| {
            if x.is_null() {
                Some(None)
            } else {
                x.as_f64().map(Some)
            }
        })
    };
    Some(PreviousPoint {
        period: get("period").and_then(date)?,
        value: number("value"),
        target: number("target"),
        target_min: number("target_min"),
        target_max: number("target_max"),
    })
}

fn pair(v: &Value) -> Option<PreviousPair> {
    Some(PreviousPair {
        leading: v.get("leading").and_then(text)?,
        lagging: v.get("lagging").and_then(text)?,
        significant: v.get("significant").and_then(Value::as_bool),
        best_lag: v.get("best_lag").and_then(|l| {
            if l.is_null() {
                Some(None)
            } else {
                l.as_u64().and_then(|n| u32::try_from(n).ok()).map(Some)
            }
        }),
    })
}

fn text(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// An ISO date (`YYYY-MM-DD`), as the results file writes periods.
fn date(v: &Value) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(v.as_str()?.trim(), "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests;
