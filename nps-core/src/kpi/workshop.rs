//! Workshop KPIs (SPEC §6): bay utilization, the SRT catalog, technician
//! efficiency / productivity / proficiency, effective labour rate, hours
//! per repair order.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::{
    check_hours, check_hours_arg, check_minor, hours_ok, hours_reason, key_at, keys_len, Kpi,
};
use crate::calendar::Calendar;
use crate::error::{Error, Result};
use crate::group::{GroupKey, Keys};

/// Bay utilization: occupied repair hours / (repair bays × open hours of
/// `calendar` in `[from, to)`). The calendar's holidays and make-up working
/// days are included. Rows in non-repair bays (`repair_bay[i] == false`:
/// wash, reception, parking) are left out; coverage = rows counted / rows.
///
/// ```
/// use nps_core::calendar::Calendar;
/// use nps_core::kpi::bay_utilization;
/// let cal = Calendar::from_json(r#"{"tz":"UTC","weekly":{"mon":[["09:00","17:00"]]}}"#)?;
/// let monday = 1_735_516_800; // 2024-12-30, a Monday, 00:00 UTC
/// let k = bay_utilization(&[10.0, 18.0], None, 6, &cal, monday, monday + 86_400)?;
/// assert_eq!((k.numerator, k.denominator), (28.0, 48.0)); // 58.33 %
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn bay_utilization(
    occupied_hours: &[f64],
    repair_bay: Option<&[bool]>,
    repair_bays: u32,
    calendar: &Calendar,
    from: i64,
    to: i64,
) -> Result<Kpi> {
    check_hours("occupied_hours", occupied_hours)?;
    if let Some(r) = repair_bay {
        Error::check_len(
            "repair_bay",
            r.len(),
            "occupied_hours",
            occupied_hours.len(),
        )?;
    }
    let open = calendar.elapsed(from, to, &[])?;
    let counted = |i: usize| repair_bay.is_none_or(|r| r[i]);
    let used = (0..occupied_hours.len()).filter(|&i| counted(i)).count();
    let num: f64 = (0..occupied_hours.len())
        .filter(|&i| counted(i))
        .map(|i| occupied_hours[i])
        .sum();
    Ok(Kpi::ratio(
        num,
        f64::from(repair_bays) * open as f64 / 3600.0,
        (!occupied_hours.is_empty()).then(|| used as f64 / occupied_hours.len() as f64),
    ))
}

/// Standard repair times: operation code → standard (flat-rate) hours.
///
/// ```
/// use nps_core::kpi::SrtCatalog;
/// let c = SrtCatalog::from_json(r#"{"WHEEL_ALIGN": 0.8, "OIL": 0.5}"#)?;
/// assert_eq!(c.get("WHEEL_ALIGN"), Some(0.8));
/// assert_eq!(c.lookup(&["OIL", "??"]), [Some(0.5), None]);
/// # Ok::<(), nps_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(try_from = "BTreeMap<String, f64>", into = "BTreeMap<String, f64>")]
pub struct SrtCatalog {
    hours: BTreeMap<String, f64>,
}

impl TryFrom<BTreeMap<String, f64>> for SrtCatalog {
    type Error = Error;
    fn try_from(m: BTreeMap<String, f64>) -> Result<SrtCatalog> {
        SrtCatalog::new(m)
    }
}

impl From<SrtCatalog> for BTreeMap<String, f64> {
    fn from(c: SrtCatalog) -> Self {
        c.hours
    }
}

impl SrtCatalog {
    /// From `(code, hours)` pairs; hours finite and `>= 0`, codes unique
    /// and non-empty.
    pub fn new<S: Into<String>>(pairs: impl IntoIterator<Item = (S, f64)>) -> Result<SrtCatalog> {
        let mut hours = BTreeMap::new();
        for (i, (code, h)) in pairs.into_iter().enumerate() {
            let code: String = code.into();
            if code.is_empty() {
                return Err(Error::value("codes", i, "empty operation code"));
            }
            if !hours_ok(h) {
                return Err(Error::value("hours", i, hours_reason(h)));
            }
            if hours.insert(code.clone(), h).is_some() {
                return Err(Error::value(
                    "codes",
                    i,
                    format!("duplicate operation code `{code}`"),
                ));
            }
        }
        Ok(SrtCatalog { hours })
    }

    /// From a JSON object `{"code": hours, ...}`.
    pub fn from_json(text: &str) -> Result<SrtCatalog> {
        let m: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text)
            .map_err(|e| Error::arg("json", format!("not a JSON object of numbers: {e}")))?;
        let mut pairs = Vec::with_capacity(m.len());
        for (i, (k, v)) in m.into_iter().enumerate() {
            let h = v
                .as_f64()
                .ok_or_else(|| Error::value("hours", i, format!("`{k}` is not a number")))?;
            pairs.push((k, h));
        }
        SrtCatalog::new(pairs)
    }

    /// The catalog as a JSON object (codes sorted).
    pub fn to_json(&self) -> String {
        // A map of strings to finite numbers always serializes.
        serde_json::to_string(&self.hours).expect("finite numbers serialize")
    }

    /// Standard hours of `code`, `None` when unknown.
    pub fn get(&self, code: &str) -> Option<f64> {
        self.hours.get(code).copied()
    }

    /// Standard hours per row (`None` for unknown codes).
    pub fn lookup(&self, codes: &[&str]) -> Vec<Option<f64>> {
        codes.iter().map(|c| self.get(c)).collect()
    }

    /// Number of codes.
    pub fn len(&self) -> usize {
        self.hours.len()
    }

    /// Whether the catalog is empty.
    pub fn is_empty(&self) -> bool {
        self.hours.is_empty()
    }

    /// `(code, hours)` in code order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, f64)> {
        self.hours.iter().map(|(k, v)| (k.as_str(), *v))
    }
}

/// Efficiency, productivity and proficiency of one technician or team.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TechnicianFigures {
    /// SRT hours / hours worked, over jobs with an SRT only (coverage =
    /// share of jobs with an SRT). Benchmark `technician_efficiency` (125 %).
    pub efficiency: Kpi,
    /// Hours worked on jobs / hours available (attendance). Benchmark
    /// `technician_productivity` (85–87.5 %).
    pub productivity: Kpi,
    /// SRT hours produced / hours available (coverage = share of jobs with
    /// an SRT). Benchmark `technician_proficiency` (100–120 %).
    pub proficiency: Kpi,
}

fn check_srt(srt: &[Option<f64>]) -> Result<()> {
    match srt.iter().position(|h| h.is_some_and(|h| !hours_ok(h))) {
        Some(i) => Err(Error::value(
            "srt_hours",
            i,
            hours_reason(srt[i].unwrap_or_default()),
        )),
        None => Ok(()),
    }
}

#[derive(Default, Clone, Copy)]
struct TechSums {
    worked: f64,
    worked_with_srt: f64,
    srt: f64,
    jobs: f64,
    jobs_with_srt: f64,
}

impl TechSums {
    fn add(&mut self, worked: f64, srt: Option<f64>) {
        self.worked += worked;
        self.jobs += 1.0;
        if let Some(s) = srt {
            self.srt += s;
            self.worked_with_srt += worked;
            self.jobs_with_srt += 1.0;
        }
    }
    fn figures(self, available: f64) -> TechnicianFigures {
        let cov = (self.jobs > 0.0).then(|| self.jobs_with_srt / self.jobs);
        TechnicianFigures {
            efficiency: Kpi::ratio(self.srt, self.worked_with_srt, cov),
            productivity: Kpi::ratio(self.worked, available, (self.jobs > 0.0).then_some(1.0)),
            proficiency: Kpi::ratio(self.srt, available, cov),
        }
    }
}

/// Technician figures over completed jobs (`worked_hours[i]` actually
/// worked on job `i`, `srt_hours[i]` its standard hours or `None`) and the
/// hours available (attendance). Jobs without an SRT are left out of both
/// sides of efficiency and counted in coverage.
///
/// ```
/// use nps_core::kpi::technician_figures;
/// // A wheel alignment (SRT 0.8 h) done in 45 min: efficiency 106.67 %.
/// let f = technician_figures(&[0.75], &[Some(0.8)], 8.0)?;
/// assert!((f.efficiency.value.unwrap() - 0.8 / 0.75).abs() < 1e-12);
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn technician_figures(
    worked_hours: &[f64],
    srt_hours: &[Option<f64>],
    available_hours: f64,
) -> Result<TechnicianFigures> {
    Error::check_len(
        "srt_hours",
        srt_hours.len(),
        "worked_hours",
        worked_hours.len(),
    )?;
    check_hours("worked_hours", worked_hours)?;
    check_srt(srt_hours)?;
    check_hours_arg("available_hours", available_hours)?;
    let mut s = TechSums::default();
    for (&w, &h) in worked_hours.iter().zip(srt_hours) {
        s.add(w, h);
    }
    Ok(s.figures(available_hours))
}

/// [`technician_figures`] per technician: jobs keyed by `job_keys`,
/// attendance rows (`available_hours`, several rows per technician are
/// summed) keyed by `available_keys`. Every technician of either table
/// appears, sorted by key. Keys may be several columns
/// ([`Keys::Multi`], e.g. dealer × technician, the same number and types
/// of columns on both sides): a job and an attendance row belong to the
/// same technician when all their key parts are equal.
///
/// ```
/// use nps_core::group::{GroupKey, Keys};
/// use nps_core::kpi::technician_figures_by;
/// let t = technician_figures_by(
///     &[7.2, 4.0], &[Some(9.0), None], Keys::Str(&["ann", "bob"]),
///     &[8.0, 8.0], Keys::Str(&["ann", "bob"]),
/// )?;
/// assert_eq!(t[0].0, GroupKey::Str("ann".into()));
/// assert_eq!(t[1].1.efficiency.value, None); // bob: no job with an SRT
/// // Dealer × technician.
/// let (jd, jt, ad, at) = ([1u32, 2], ["ann", "ann"], [2u32, 1], ["ann", "ann"]);
/// let (j, a) = ([Keys::U32(&jd), Keys::Str(&jt)], [Keys::U32(&ad), Keys::Str(&at)]);
/// let t = technician_figures_by(&[4.0, 2.0], &[Some(5.0), Some(1.0)], Keys::Multi(&j),
///     &[8.0, 4.0], Keys::Multi(&a))?;
/// assert_eq!(t[0].0, GroupKey::Tuple(vec![GroupKey::UInt(1), "ann".into()]));
/// assert_eq!(t[0].1.productivity.value, Some(1.0)); // 4 h of 4 h
/// assert_eq!(t[1].1.efficiency.value, Some(0.5)); // 1 SRT h in 2 h
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn technician_figures_by(
    worked_hours: &[f64],
    srt_hours: &[Option<f64>],
    job_keys: Keys<'_>,
    available_hours: &[f64],
    available_keys: Keys<'_>,
) -> Result<Vec<(GroupKey, TechnicianFigures)>> {
    Error::check_len(
        "srt_hours",
        srt_hours.len(),
        "worked_hours",
        worked_hours.len(),
    )?;
    Error::check_len(
        "job_keys",
        keys_len(&job_keys),
        "worked_hours",
        worked_hours.len(),
    )?;
    Error::check_len(
        "available_keys",
        keys_len(&available_keys),
        "available_hours",
        available_hours.len(),
    )?;
    // Several key columns (Keys::Multi): each with the rows' length, flat.
    job_keys.check(worked_hours.len())?;
    available_keys.check(available_hours.len())?;
    check_hours("worked_hours", worked_hours)?;
    check_srt(srt_hours)?;
    check_hours("available_hours", available_hours)?;
    let mut m: BTreeMap<GroupKey, (TechSums, f64)> = BTreeMap::new();
    for i in 0..worked_hours.len() {
        m.entry(key_at(&job_keys, i))
            .or_default()
            .0
            .add(worked_hours[i], srt_hours[i]);
    }
    for (i, &a) in available_hours.iter().enumerate() {
        m.entry(key_at(&available_keys, i)).or_default().1 += a;
    }
    Ok(m.into_iter().map(|(k, (s, a))| (k, s.figures(a))).collect())
}

/// Pay type of labour sold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u32)]
pub enum PayType {
    /// Paid by the customer.
    Customer = 0,
    /// Paid by the manufacturer under warranty.
    Warranty = 1,
    /// Internal work (used-car preparation, ...).
    Internal = 2,
}

impl PayType {
    /// Every pay type.
    pub const ALL: [PayType; 3] = [PayType::Customer, PayType::Warranty, PayType::Internal];

    /// `customer`, `warranty` or `internal`.
    pub fn name(self) -> &'static str {
        match self {
            PayType::Customer => "customer",
            PayType::Warranty => "warranty",
            PayType::Internal => "internal",
        }
    }

    /// Parses a name; an unknown name is an error naming `row`.
    pub fn parse(name: &str, row: usize) -> Result<PayType> {
        PayType::ALL
            .into_iter()
            .find(|p| p.name() == name)
            .ok_or_else(|| {
                Error::value(
                    "pay_types",
                    row,
                    format!("unknown pay type `{name}` (customer, warranty, internal)"),
                )
            })
    }

    /// Parses a column of names.
    pub fn parse_column(names: &[&str]) -> Result<Vec<PayType>> {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| PayType::parse(n, i))
            .collect()
    }
}

/// Effective labour rate overall and per pay type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabourRates {
    /// Labour sales (minor units) / hours sold over every row.
    pub overall: Kpi,
    /// Per pay type present in the input, in [`PayType::ALL`] order.
    pub by_pay_type: Vec<(PayType, Kpi)>,
}

/// Effective labour rate: labour sales (integer minor units of one
/// currency) / labour hours sold, per pay type. The value is minor units
/// per hour.
///
/// ```
/// use nps_core::kpi::{effective_labour_rate, PayType};
/// let r = effective_labour_rate(&[30_000, 20_000], &[2.0, 2.0],
///     &[PayType::Customer, PayType::Warranty])?;
/// assert_eq!(r.overall.value, Some(12_500.0));
/// assert_eq!(r.by_pay_type[0], (PayType::Customer, nps_core::kpi::Kpi::ratio(30_000.0, 2.0, Some(1.0))));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn effective_labour_rate(
    sales_minor: &[i64],
    hours_sold: &[f64],
    pay_types: &[PayType],
) -> Result<LabourRates> {
    Error::check_len(
        "hours_sold",
        hours_sold.len(),
        "sales_minor",
        sales_minor.len(),
    )?;
    Error::check_len(
        "pay_types",
        pay_types.len(),
        "sales_minor",
        sales_minor.len(),
    )?;
    check_hours("hours_sold", hours_sold)?;
    check_minor("sales_minor", "labour sales", sales_minor)?;
    let mut per: HashMap<PayType, (i128, f64, usize)> = HashMap::new();
    let mut total = (0i128, 0f64);
    for i in 0..sales_minor.len() {
        let e = per.entry(pay_types[i]).or_default();
        e.0 += i128::from(sales_minor[i]);
        e.1 += hours_sold[i];
        e.2 += 1;
        total.0 += i128::from(sales_minor[i]);
        total.1 += hours_sold[i];
    }
    let n = sales_minor.len();
    Ok(LabourRates {
        overall: Kpi::ratio(total.0 as f64, total.1, (n > 0).then_some(1.0)),
        by_pay_type: PayType::ALL
            .into_iter()
            .filter_map(|p| {
                per.get(&p)
                    .map(|&(s, h, _)| (p, Kpi::ratio(s as f64, h, Some(1.0))))
            })
            .collect(),
    })
}

/// Which hours [`hours_per_ro`] counts (sources disagree).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u32)]
pub enum HoursBasis {
    /// SRT (flat-rate) hours sold; ROs without an SRT lower coverage.
    #[default]
    Srt = 0,
    /// Hours actually worked.
    Worked = 1,
}

/// Hours per repair order: hours / ROs, one row per RO. With
/// [`HoursBasis::Srt`] ROs without an SRT are left out of both sides
/// (coverage = ROs with an SRT / ROs).
///
/// ```
/// use nps_core::kpi::{hours_per_ro, HoursBasis};
/// let k = hours_per_ro(&[Some(1.5), None, Some(2.5)], &[1.0, 1.0, 2.0], HoursBasis::Srt)?;
/// assert_eq!(k.value, Some(2.0));
/// let k = hours_per_ro(&[Some(1.5), None, Some(2.5)], &[1.0, 1.0, 2.0], HoursBasis::Worked)?;
/// assert_eq!(k.value, Some(4.0 / 3.0));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn hours_per_ro(
    srt_hours: &[Option<f64>],
    worked_hours: &[f64],
    basis: HoursBasis,
) -> Result<Kpi> {
    Error::check_len(
        "srt_hours",
        srt_hours.len(),
        "worked_hours",
        worked_hours.len(),
    )?;
    check_hours("worked_hours", worked_hours)?;
    check_srt(srt_hours)?;
    let n = worked_hours.len();
    let cov = |used: usize| (n > 0).then(|| used as f64 / n as f64);
    Ok(match basis {
        HoursBasis::Worked => Kpi::ratio(worked_hours.iter().sum(), n as f64, cov(n)),
        HoursBasis::Srt => {
            let with: Vec<f64> = srt_hours.iter().flatten().copied().collect();
            Kpi::ratio(with.iter().sum(), with.len() as f64, cov(with.len()))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::{MAX_HOURS, MAX_MINOR};
    use crate::ErrorKind;

    fn finite(k: &Kpi) -> bool {
        k.numerator.is_finite()
            && k.denominator.is_finite()
            && k.value.is_none_or(f64::is_finite)
            && k.coverage.is_none_or(f64::is_finite)
    }

    /// Issue 10 (7): hours beyond MAX_HOURS are errors naming column and
    /// row, never a NaN efficiency or an infinite sum; at the bound every
    /// KPI is finite.
    #[test]
    fn hours_beyond_the_range_are_rejected() {
        let huge = [1e308, 1e308];
        let e = technician_figures(&huge, &[Some(1e308), Some(1e308)], 8.0).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidValue);
        assert_eq!(e.index(), Some(0));
        assert!(e.to_string().contains("worked_hours"), "{e}");
        let e = technician_figures(&[1.0, 1.0], &[Some(1.0), Some(1e308)], 8.0).unwrap_err();
        assert!(
            e.to_string().contains("srt_hours") && e.index() == Some(1),
            "{e}"
        );
        let e = technician_figures(&[1.0], &[Some(1.0)], 1e308).unwrap_err();
        assert_eq!(e.argument(), Some("available_hours"));
        let e = hours_per_ro(&[Some(1.0), Some(1.0)], &huge, HoursBasis::Worked).unwrap_err();
        assert!(e.to_string().contains("worked_hours"), "{e}");
        let e =
            hours_per_ro(&[Some(1e308), Some(1e308)], &[1.0, 1.0], HoursBasis::Srt).unwrap_err();
        assert_eq!((e.kind(), e.index()), (ErrorKind::InvalidValue, Some(0)));
        let cal =
            Calendar::from_json(r#"{"tz":"UTC","weekly":{"mon":[["09:00","17:00"]]}}"#).unwrap();
        let e = bay_utilization(&huge, None, 6, &cal, 0, 86_400).unwrap_err();
        assert!(e.to_string().contains("occupied_hours"), "{e}");
        let e = effective_labour_rate(&[1, 2], &[1.0, 1e7], &[PayType::Customer; 2]).unwrap_err();
        assert_eq!(e.index(), Some(1));
        assert!(SrtCatalog::new([("A", 1e308)]).is_err());
        assert!(SrtCatalog::new([("A", f64::NAN)]).is_err());

        let top = [MAX_HOURS; 4];
        let f = technician_figures(&top, &[Some(MAX_HOURS); 4], MAX_HOURS).unwrap();
        for k in [f.efficiency, f.productivity, f.proficiency] {
            assert!(finite(&k), "{k:?}");
        }
        assert_eq!(f.efficiency.value, Some(1.0));
        assert!(finite(
            &hours_per_ro(&[Some(MAX_HOURS); 4], &top, HoursBasis::Srt).unwrap()
        ));
        assert!(finite(
            &bay_utilization(&top, None, 6, &cal, 0, 86_400 * 7).unwrap()
        ));
    }

    /// Issue 10 (7): money beyond MAX_MINOR is an error naming the row;
    /// sums at the bound are finite.
    #[test]
    fn money_beyond_the_range_is_rejected() {
        let e = effective_labour_rate(&[1, i64::MAX], &[1.0, 1.0], &[PayType::Customer; 2])
            .unwrap_err();
        assert!(
            e.to_string().contains("sales_minor") && e.index() == Some(1),
            "{e}"
        );
        let e = crate::kpi::service_revenue_per_engineer(&[i64::MAX, i64::MAX], 2).unwrap_err();
        assert_eq!((e.kind(), e.index()), (ErrorKind::InvalidValue, Some(0)));
        let r = effective_labour_rate(&[MAX_MINOR; 3], &[0.5; 3], &[PayType::Internal; 3]).unwrap();
        assert!(finite(&r.overall));
        let k = crate::kpi::service_revenue_per_engineer(&[MAX_MINOR; 3], 1).unwrap();
        assert!(finite(&k) && k.value == Some(3.0 * MAX_MINOR as f64));
    }
}
