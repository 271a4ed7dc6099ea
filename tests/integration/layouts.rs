//! Layout detection end to end: long, wide and periods-across inputs in text and
//! workbook form, with title rows, notes rows, definitions and targets sheets.
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::support::{codes, finding, kpi, kpi_names, values, Run};

fn v(pairs: &[(&str, f64)]) -> Vec<(String, f64)> {
    pairs.iter().map(|(p, x)| (p.to_string(), *x)).collect()
}

#[test]
fn long_csv_with_title_and_notes_rows() {
    let csv = "ACME export,,\n\nDate,Metric,Value,Target,Owner\n\
               2024-01-31,Sales,100,90,Ann\n2024-02-29,Sales,110,90,Ann\n2024-03-31,Sales,\"1,234.5\",90,Ann\n\
               2024-01-31,Cost,5,,\n2024-02-29,Cost,6,,\n\nSource: ERP,,\n";
    let (json, _, _) = Run::new()
        .file("long.csv", csv)
        .report_json(&["long.csv"], &[]);
    assert_eq!(
        values(&json, "Sales"),
        v(&[
            ("2024-01-01", 100.0),
            ("2024-02-01", 110.0),
            ("2024-03-01", 1234.5)
        ])
    );
    let sales = kpi(&json, "Sales");
    assert_eq!(sales["grain"], "month");
    assert_eq!(sales["owner"], "Ann");
    assert_eq!(sales["latest"]["target"], 90.0);
    assert_eq!(values(&json, "Cost").len(), 2);
    let c = codes(&json);
    assert!(c.contains(&"title_rows_skipped".to_string()), "{c:?}");
    assert!(c.contains(&"footer_rows_skipped".to_string()), "{c:?}");
    assert_eq!(finding(&json, "title_rows_skipped")["row"], 1);
}

#[test]
fn wide_csv_with_target_columns() {
    let csv = "Month,Revenue,Revenue target,Churn %\n2024-01,10,12,2%\n2024-02,11,12,3%\n2024-03,,12,2.5%\n";
    let (json, _, _) = Run::new()
        .file("wide.csv", csv)
        .report_json(&["wide.csv"], &[]);
    assert_eq!(
        values(&json, "Revenue"),
        v(&[("2024-01-01", 10.0), ("2024-02-01", 11.0)])
    );
    assert_eq!(
        values(&json, "Churn %"),
        v(&[
            ("2024-01-01", 0.02),
            ("2024-02-01", 0.03),
            ("2024-03-01", 0.025)
        ])
    );
    let rev = kpi(&json, "Revenue");
    assert_eq!(rev["series"][0]["target"], 12.0);
    assert_eq!(rev["latest"]["period"], "2024-02-01");
    assert_eq!(kpi(&json, "Churn %")["unit"], "%");
}

#[test]
fn periods_across_csv_with_attribute_columns() {
    let csv = "KPI pack Q1,,,,,\nKPI,Owner,Unit,Jan-24,Feb-24,Mar-24\nNPS,CX,pts,31,33,(2)\nLeads,Sales,count,\"1,200\",n/a,1300\nTotal,,,,,\n";
    let (json, _, _) = Run::new()
        .file("across.csv", csv)
        .report_json(&["across.csv"], &[]);
    assert_eq!(
        values(&json, "NPS"),
        v(&[
            ("2024-01-01", 31.0),
            ("2024-02-01", 33.0),
            ("2024-03-01", -2.0)
        ])
    );
    assert_eq!(
        values(&json, "Leads"),
        v(&[("2024-01-01", 1200.0), ("2024-03-01", 1300.0)])
    );
    assert_eq!(kpi(&json, "NPS")["owner"], "CX");
    assert_eq!(kpi(&json, "Leads")["unit"], "count");
    assert!(json["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .all(|k| k["name"] != "Total"));
}

/// A management-report workbook: title row, real date cells across, percent cells,
/// a KPIs definitions sheet, a Targets sheet and a hidden sheet.
fn across_workbook() -> Vec<u8> {
    let mut wb = Workbook::new();
    let date_fmt = Format::new().set_num_format("mmm-yy");
    let pct = Format::new().set_num_format("0.0%");
    let ws = wb.add_worksheet().set_name("Monthly").unwrap();
    ws.write(0, 0, "ACME KPI pack").unwrap();
    ws.write(2, 0, "KPI").unwrap();
    for m in 0..4u8 {
        let d = ExcelDateTime::from_ymd(2024, m + 1, 1).unwrap();
        ws.write_datetime_with_format(2, u16::from(m) + 1, &d, &date_fmt)
            .unwrap();
    }
    ws.write(3, 0, "Margin").unwrap();
    for (i, x) in [0.31, 0.32, 0.30, 0.33].iter().enumerate() {
        ws.write_number_with_format(3, i as u16 + 1, *x, &pct)
            .unwrap();
    }
    ws.write(4, 0, "Orders").unwrap();
    ws.write_number(4, 1, 120.0).unwrap();
    ws.write(4, 2, "#N/A").unwrap();
    ws.write_number(4, 3, 130.0).unwrap();
    ws.write_number(4, 4, 125.0).unwrap();
    ws.write(6, 0, "Source: ERP").unwrap();
    let defs = wb.add_worksheet().set_name("KPIs").unwrap();
    for (c, h) in ["name", "owner", "direction", "aggregation", "perspective"]
        .iter()
        .enumerate()
    {
        defs.write(0, c as u16, *h).unwrap();
    }
    for (c, h) in ["Orders", "Sales", "higher", "sum", "Customer"]
        .iter()
        .enumerate()
    {
        defs.write(1, c as u16, *h).unwrap();
    }
    let tg = wb.add_worksheet().set_name("Targets").unwrap();
    for (c, h) in ["kpi", "period", "target"].iter().enumerate() {
        tg.write(0, c as u16, *h).unwrap();
    }
    tg.write(1, 0, "Margin").unwrap();
    tg.write(1, 1, "2024-04").unwrap();
    tg.write(1, 2, 0.35).unwrap();
    let hidden = wb.add_worksheet().set_name("Scratch").unwrap();
    hidden.write(0, 0, "Date").unwrap();
    hidden.set_hidden(true);
    wb.save_to_buffer().unwrap()
}

#[test]
fn periods_across_workbook_with_definitions_and_targets() {
    let (json, _, _) = Run::new()
        .file("pack.xlsx", across_workbook())
        .report_json(&["pack.xlsx"], &[]);
    assert_eq!(
        values(&json, "Margin"),
        v(&[
            ("2024-01-01", 0.31),
            ("2024-02-01", 0.32),
            ("2024-03-01", 0.30),
            ("2024-04-01", 0.33)
        ])
    );
    let margin = kpi(&json, "Margin");
    assert_eq!(margin["unit"], "%");
    assert_eq!(margin["latest"]["target"], 0.35);
    let orders = kpi(&json, "Orders");
    assert_eq!(orders["owner"], "Sales");
    assert_eq!(orders["aggregation"], "sum");
    assert_eq!(values(&json, "Orders").len(), 3);
    let c = codes(&json);
    assert!(c.contains(&"excel_error_cell".to_string()), "{c:?}");
    assert!(c.contains(&"hidden_sheet_skipped".to_string()), "{c:?}");
    assert_eq!(
        json["inputs"][0]["sheets"],
        serde_json::json!(["Monthly", "KPIs", "Targets"])
    );
}

#[test]
fn check_prints_layouts_and_kpis() {
    let (o, _d) = Run::new()
        .file("pack.xlsx", across_workbook())
        .args(["check", "pack.xlsx"])
        .run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout
            .contains("pack.xlsx [Monthly]: periods_across, header row 3, 2 KPIs, 7 values"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.contains("pack.xlsx [KPIs]: definitions"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("Margin"), "{}", o.stdout);
}

#[test]
fn html_named_xls_and_csv_named_xlsx_are_read_by_content() {
    let html = "<html><body><table><tr><th>Date</th><th>Visits</th></tr><tr><td>2024-01-01</td><td>5</td></tr>\
                <tr><td>2024-01-02</td><td>7</td></tr></table></body></html>";
    let (json, _, _) = Run::new()
        .file("web.xls", html)
        .file("fake.xlsx", "Date,Calls\n2024-01-01,3\n2024-01-02,4\n")
        .report_json(&["web.xls", "fake.xlsx"], &[]);
    assert_eq!(
        values(&json, "Visits"),
        v(&[("2024-01-01", 5.0), ("2024-01-02", 7.0)])
    );
    assert_eq!(
        values(&json, "Calls"),
        v(&[("2024-01-01", 3.0), ("2024-01-02", 4.0)])
    );
    assert_eq!(kpi(&json, "Calls")["grain"], "day");
    let mismatches = codes(&json)
        .iter()
        .filter(|c| *c == "extension_mismatch")
        .count();
    assert_eq!(mismatches, 2);
}

#[test]
fn folder_input_reads_every_supported_file_sorted() {
    let (json, _, _) = Run::new()
        .file(
            "data/b.csv",
            "Date,KPI,Value\n2024-01-01,B,1\n2024-02-01,B,2\n",
        )
        .file(
            "data/a.csv",
            "Date,KPI,Value\n2024-01-01,A,1\n2024-02-01,A,2\n",
        )
        .file("data/notes.md", "not data")
        .report_json(&["data"], &[]);
    let inputs: Vec<&str> = json["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert_eq!(inputs, ["data/a.csv", "data/b.csv"]);
}

#[test]
fn config_forces_layout_and_column_names() {
    let csv = "When,Which,How much,Plan\n2024-01-01,A,1,2\n2024-02-01,A,3,2\n";
    let cfg = "[[input]]\nfile = \"odd.csv\"\nlayout = \"long\"\ndate = \"When\"\nkpi = \"Which\"\nvalue = \"How much\"\ntarget = \"Plan\"\n";
    let (json, _, _) = Run::new()
        .file("odd.csv", csv)
        .file("k.toml", cfg)
        .report_json(&["odd.csv"], &["-c", "k.toml"]);
    assert_eq!(
        values(&json, "A"),
        v(&[("2024-01-01", 1.0), ("2024-02-01", 3.0)])
    );
    assert_eq!(kpi(&json, "A")["latest"]["target"], 2.0);
}

/// Month columns as Excel dates with quarter subtotals and a year total among them.
fn pack_with_subtotals() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("mmm-yy");
    ws.write(0, 0, "KPI").unwrap();
    let mut c = 1u16;
    for (quarter, months) in [("Q1 2024", [1u8, 2, 3]), ("Q2 2024", [4, 5, 6])] {
        for m in months {
            let d = ExcelDateTime::from_ymd(2024, m, 1).unwrap();
            ws.write_datetime_with_format(0, c, &d, &date).unwrap();
            ws.write(1, c, 90.0 + 10.0 * f64::from(m)).unwrap();
            c += 1;
        }
        ws.write(0, c, quarter).unwrap();
        ws.write(1, c, 999.0).unwrap();
        c += 1;
    }
    ws.write(0, c, "FY 2024").unwrap();
    ws.write(1, c, 9999.0).unwrap();
    ws.write(1, 0, "Revenue").unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn quarter_and_year_subtotal_columns_are_not_averaged_into_the_months() {
    let (json, _, _) = Run::new()
        .file("pack.xlsx", pack_with_subtotals())
        .report_json(&["pack.xlsx"], &[]);
    assert_eq!(kpi(&json, "Revenue")["grain"], "month");
    let months: Vec<(String, f64)> = (1..=6)
        .map(|m| (format!("2024-{m:02}-01"), 90.0 + 10.0 * f64::from(m)))
        .collect();
    assert_eq!(values(&json, "Revenue"), months);
    let f = finding(&json, "subtotal_columns_skipped");
    assert_eq!(
        (f["row"].as_u64(), f["column"].as_str()),
        (Some(1), Some("E"))
    );
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("('Q1 2024', 'Q2 2024', 'FY 2024')"),
        "{}",
        f["message"]
    );
    assert!(!codes(&json).contains(&"duplicate_header".to_string()));
}

#[test]
fn a_quarterly_sheet_beside_a_monthly_one_is_not_averaged_into_it() {
    let mut wb = Workbook::new();
    let monthly = wb.add_worksheet().set_name("Monthly").unwrap();
    monthly
        .write_row(0, 0, ["KPI", "2024-01", "2024-02", "2024-03", "2024-04"])
        .unwrap();
    monthly.write(1, 0, "Revenue").unwrap();
    monthly
        .write_row(1, 1, [100.0, 110.0, 120.0, 130.0])
        .unwrap();
    let quarterly = wb.add_worksheet().set_name("Quarterly").unwrap();
    quarterly
        .write_row(0, 0, ["KPI", "Q1 2024", "Q2 2024"])
        .unwrap();
    quarterly.write(1, 0, "Revenue").unwrap();
    quarterly.write_row(1, 1, [330.0, 130.0]).unwrap();
    let (json, _, _) = Run::new()
        .file("pack.xlsx", wb.save_to_buffer().unwrap())
        .report_json(&["pack.xlsx"], &[]);
    assert_eq!(
        values(&json, "Revenue"),
        v(&[
            ("2024-01-01", 100.0),
            ("2024-02-01", 110.0),
            ("2024-03-01", 120.0),
            ("2024-04-01", 130.0)
        ])
    );
    let f = finding(&json, "subtotal_periods_skipped");
    assert_eq!(
        (f["sheet"].as_str(), f["row"].as_u64()),
        (Some("Quarterly"), Some(2))
    );
    // The subtotals are not also counted as observations after the as-of date.
    assert!(
        !codes(&json).contains(&"after_as_of".to_string()),
        "{:?}",
        codes(&json)
    );
}

#[test]
fn a_mistyped_period_header_is_an_error_naming_the_cell() {
    let csv = "KPI,2024-01,2024-02,2024-13,2024-04\nRevenue,1,2,3,4\n";
    let (json, _, _) = Run::new().file("p.csv", csv).report_json(&["p.csv"], &[]);
    assert_eq!(
        values(&json, "Revenue"),
        v(&[
            ("2024-01-01", 1.0),
            ("2024-02-01", 2.0),
            ("2024-04-01", 4.0)
        ])
    );
    let f = finding(&json, "bad_date");
    assert_eq!(f["severity"], "error");
    assert_eq!(
        (f["row"].as_u64(), f["column"].as_str()),
        (Some(1), Some("D"))
    );
    assert_eq!(
        f["message"],
        "'2024-13' is not a date or period; the column was skipped"
    );
}

#[test]
fn a_text_column_in_a_wide_sheet_is_not_a_kpi() {
    let csv = "Month,Revenue,Comment,Cost\n2024-01,100,ok,50\n2024-02,110,,52\n2024-03,120,late data,55\n";
    let (json, _, _) = Run::new().file("w.csv", csv).report_json(&["w.csv"], &[]);
    assert_eq!(kpi_names(&json), ["Revenue", "Cost"]);
    let f = finding(&json, "text_column_skipped");
    assert_eq!(
        (f["row"].as_u64(), f["column"].as_str()),
        (Some(1), Some("C"))
    );
    assert!(!codes(&json).contains(&"bad_value".to_string()));
}

#[test]
fn a_pivot_export_with_an_empty_corner_is_read_across() {
    let csv = ",Jan-24,Feb-24,Mar-24\nRevenue,100,110,120\nOperating cost,50,52,55\n";
    let (json, _, _) = Run::new().file("p.csv", csv).report_json(&["p.csv"], &[]);
    assert_eq!(
        values(&json, "Operating cost"),
        v(&[
            ("2024-01-01", 50.0),
            ("2024-02-01", 52.0),
            ("2024-03-01", 55.0)
        ])
    );
    assert_eq!(kpi_names(&json), ["Revenue", "Operating cost"]);
}

#[test]
fn target_rows_and_dashed_section_rows_in_a_periods_across_sheet() {
    let csv = "KPI,2024-01,2024-02,2024-03\nFinancial,-,-,-\nRevenue,100,110,120\n\
               Revenue target,105,105,115\nCustomer,-,-,-\nNPS,30,31,33\n";
    let (json, _, _) = Run::new().file("p.csv", csv).report_json(&["p.csv"], &[]);
    assert_eq!(kpi_names(&json), ["Revenue", "NPS"]);
    let targets: Vec<f64> = kpi(&json, "Revenue")["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["target"].as_f64().unwrap())
        .collect();
    assert_eq!(targets, [105.0, 105.0, 115.0]);
    assert_eq!(kpi(&json, "Revenue")["latest"]["status"], "green");
}

#[test]
fn year_and_month_columns_make_the_period() {
    let csv = "Year,Month,KPI,Value\n2023,12,A,9\n2024,1,A,10\n2024,Feb,A,11\n\
               2024,1,B,1\n";
    let (json, _, _) = Run::new().file("ym.csv", csv).report_json(&["ym.csv"], &[]);
    assert_eq!(
        values(&json, "A"),
        v(&[
            ("2023-12-01", 9.0),
            ("2024-01-01", 10.0),
            ("2024-02-01", 11.0)
        ])
    );
    assert_eq!(kpi(&json, "A")["grain"], "month");
    let csv = "Year,Quarter,KPI,Value\n2024,Q1,A,1\n2024,2,A,2\n";
    let (json, _, _) = Run::new().file("yq.csv", csv).report_json(&["yq.csv"], &[]);
    assert_eq!(
        values(&json, "A"),
        v(&[("2024-01-01", 1.0), ("2024-04-01", 2.0)])
    );
    assert_eq!(kpi(&json, "A")["grain"], "quarter");
}

#[test]
fn years_above_month_headers_complete_them() {
    // A management pack's two header rows: the year (merged) over month names.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.merge_range(0, 1, 0, 3, "", &Format::new()).unwrap();
    ws.write(0, 1, 2024).unwrap();
    ws.merge_range(0, 4, 0, 6, "", &Format::new()).unwrap();
    ws.write(0, 4, 2025).unwrap();
    ws.write_row(1, 0, ["KPI", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"])
        .unwrap();
    ws.write(2, 0, "Revenue").unwrap();
    ws.write_row(2, 1, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap();
    let (json, _, _) = Run::new()
        .file("pack.xlsx", wb.save_to_buffer().unwrap())
        .report_json(&["pack.xlsx"], &[]);
    assert_eq!(
        values(&json, "Revenue"),
        v(&[
            ("2024-10-01", 1.0),
            ("2024-11-01", 2.0),
            ("2024-12-01", 3.0),
            ("2025-01-01", 4.0),
            ("2025-02-01", 5.0),
            ("2025-03-01", 6.0)
        ])
    );
    assert_eq!(kpi_names(&json), ["Revenue"]);
}

#[test]
fn periods_over_actual_and_target_columns() {
    // Each month merged over an Actual and a Target column.
    let csv = ",Jan-24,,Feb-24,\nKPI,Actual,Target,Actual,Target\nRevenue,100,90,110,115\n";
    let (json, _, _) = Run::new().file("p.csv", csv).report_json(&["p.csv"], &[]);
    assert_eq!(kpi_names(&json), ["Revenue"]);
    let series: Vec<(f64, f64)> = kpi(&json, "Revenue")["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["value"].as_f64().unwrap(), p["target"].as_f64().unwrap()))
        .collect();
    assert_eq!(series, [(100.0, 90.0), (110.0, 115.0)]);
}

#[test]
fn units_in_wide_headers_become_the_kpis_unit() {
    let csv = "Month,Revenue (USD),Revenue (USD) target,AHT [min],Churn (%),Share (%)\n\
               2024-01,100,90,5.5,2.5,0.31\n2024-02,110,95,5.1,2.7,0.33\n";
    let (json, _, _) = Run::new().file("w.csv", csv).report_json(&["w.csv"], &[]);
    assert_eq!(kpi_names(&json), ["Revenue", "AHT", "Churn", "Share"]);
    // Percent points stay plain numbers; fractions are a percentage.
    assert_eq!(kpi(&json, "Churn")["unit"], "% points");
    assert_eq!(kpi(&json, "Share")["unit"], "%");
    assert_eq!(kpi(&json, "Revenue")["unit"], "USD");
    assert_eq!(kpi(&json, "Revenue")["latest"]["target"], 95.0);
    assert_eq!(kpi(&json, "AHT")["unit"], "min");
}

#[test]
fn a_month_column_of_whole_dates_beside_a_year_column() {
    let csv = "Year,Month,KPI,Value\n2024,2024-01-31,A,1\n2024,2024-02-29,A,2\n";
    let (json, _, _) = Run::new().file("ym.csv", csv).report_json(&["ym.csv"], &[]);
    assert_eq!(
        values(&json, "A"),
        v(&[("2024-01-01", 1.0), ("2024-02-01", 2.0)])
    );
}

#[test]
fn header_dates_that_lost_their_format_are_read_as_serials() {
    // 45292, 45323, 45352 are 2024-01-01, 2024-02-01, 2024-03-01 as Excel serials.
    let csv = "KPI,45292,45323,45352\nRevenue,100,110,120\n";
    let (json, _, _) = Run::new().file("s.csv", csv).report_json(&["s.csv"], &[]);
    assert_eq!(
        values(&json, "Revenue"),
        v(&[
            ("2024-01-01", 100.0),
            ("2024-02-01", 110.0),
            ("2024-03-01", 120.0)
        ])
    );
}

#[test]
fn a_long_table_under_a_dated_title_stays_long() {
    // The title names a month; the header's Actual and Target are a long table's.
    let csv = "January 2024\nDate,KPI,Actual,Target\n2024-01-01,A,1,2\n2024-02-01,A,3,2\n";
    let (json, _, _) = Run::new().file("t.csv", csv).report_json(&["t.csv"], &[]);
    assert_eq!(kpi_names(&json), ["A"]);
    assert_eq!(
        values(&json, "A"),
        v(&[("2024-01-01", 1.0), ("2024-02-01", 3.0)])
    );
    assert_eq!(json["inputs"][0]["path"], "t.csv");
}
