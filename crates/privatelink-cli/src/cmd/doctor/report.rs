//! The report: text for a terminal, or JSON.

use serde_json::{Value, json};

use super::{Finding, Status};
use crate::ui::Ui;

pub(super) fn text_report(findings: &[Finding], healthy: bool, region: &str, ui: Ui) -> String {
    let mut out = String::new();
    let mut last_service = None;
    for finding in findings {
        if last_service != Some(&finding.service) {
            out.push_str(&format!("{}\n", finding.service));
            last_service = Some(&finding.service);
        }
        let status = format!("{:<4}", finding.status.as_str());
        let subject = finding
            .host
            .as_deref()
            .or(finding.endpoint_id.as_deref())
            .unwrap_or("-");
        out.push_str(&format!(
            "  {}  {:<11}  {subject}: {}\n",
            ui.paint(&status, finding.status.sgr()),
            finding.check,
            finding.detail
        ));
    }
    let count = |s| findings.iter().filter(|f| f.status == s).count();
    let verdict = if healthy {
        ui.paint("healthy", Status::Ok.sgr())
    } else {
        ui.paint("unhealthy", Status::Fail.sgr())
    };
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    out.push_str(&format!(
        "{verdict} ({region}): {}, {} failed, {}\n",
        plural(findings.len(), "check"),
        count(Status::Fail),
        plural(count(Status::Warn), "warning")
    ));
    out
}

pub(super) fn json_report(findings: &[Finding], healthy: bool, region: &str) -> String {
    // Keys in sorted order: the same bytes whether or not serde_json preserves order.
    let items: Vec<Value> = findings
        .iter()
        .map(|f| {
            json!({
                "check": f.check,
                "detail": f.detail,
                "endpointId": f.endpoint_id,
                "host": f.host,
                "service": f.service,
                "status": f.status.as_str(),
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&json!({
        "findings": items,
        "healthy": healthy,
        "region": region,
    }))
    .expect("JSON values serialize");
    text.push('\n');
    text
}
