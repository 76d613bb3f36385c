//! Employees (v3 only: `GET /pbxcore/api/v3/employees`, `Employees/GetListAction`): each user
//! with the SIP extension they own and whether it is disabled, the only answer of the API that
//! names disabled extensions (docs/server-notes.md, "Disabled extensions"). State section
//! `employees`: `[{"number": "202", "user_username": "Bob", "disabled": true}, …]`; every peer
//! of `peers` without an entry there is an enabled employee of its own number. A disabled
//! extension has no endpoint, so it belongs in `employees` and not in `peers`.

use axum::http::Method;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Answer, LegacyCall, Resource, V3Call, V3Method};
use crate::Shared;

pub const RESOURCE: Resource = Resource { legacy, v3_methods, v3 };

/// The state section of this resource.
const SECTION: &str = "employees";

/// `GetListAction`: a `limit` of 0 or less is 50, at most 1000.
const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 1000;

#[derive(Deserialize, Default)]
struct Employee {
    number: String,
    #[serde(default)]
    user_username: String,
    #[serde(default)]
    user_email: String,
    #[serde(default)]
    mobile: String,
    #[serde(default)]
    disabled: bool,
}

fn legacy(_: &Shared, _: &LegacyCall<'_>) -> Option<Answer> {
    None
}

fn v3_methods() -> Vec<V3Method> {
    vec![V3Method { resource: "employees", method: "getList", verb: Method::GET, needs_id: false }]
}

fn v3(shared: &Shared, call: &V3Call<'_>) -> Option<Answer> {
    if (call.resource, call.method) != ("employees", "getList") {
        return None;
    }
    let pbx = shared.pbx();
    let mut employees: Vec<Employee> = pbx.section(SECTION);
    for peer in &pbx.peers {
        if !employees.iter().any(|e| e.number == peer.id) {
            employees.push(Employee {
                number: peer.id.clone(),
                user_username: format!("Extension {}", peer.id),
                ..Employee::default()
            });
        }
    }
    employees.sort_by(|a, b| a.user_username.cmp(&b.user_username));
    let total = employees.len();
    let rows = employees.iter().enumerate().map(|(index, e)| {
        json!({"id": index + 1, "number": e.number, "user_username": e.user_username, "user_email": e.user_email,
               "mobile": e.mobile, "avatar": "", "disabled": e.disabled})
    });
    // Pages only when asked: without `limit` and `offset` every row comes back.
    let integer = |name: &str| {
        call.data.get(name).map(|v| v.as_str().and_then(|s| s.trim().parse::<i64>().ok()).or(v.as_i64()).unwrap_or(0))
    };
    let rows: Vec<Value> = match (integer("limit"), integer("offset")) {
        (None, None) => rows.collect(),
        (limit, offset) => {
            let limit = limit.filter(|l| *l > 0).map_or(DEFAULT_LIMIT, |l| usize::try_from(l).unwrap_or(MAX_LIMIT));
            let offset = offset.and_then(|o| usize::try_from(o).ok()).unwrap_or(0);
            rows.skip(offset).take(limit.min(MAX_LIMIT)).collect()
        }
    };
    Some(Answer::data(
        "getList",
        "Employees\\GetListAction::main",
        json!({"data": rows, "recordsTotal": total, "recordsFiltered": total}),
    ))
}
