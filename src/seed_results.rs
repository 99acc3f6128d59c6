//! The demo county's results inputs for its 2014 cycle (issue 15), set as the office's calls
//! would set them: four grade bands, the veto (一票否决) enabled with 一般 as its cap, one veto
//! event against 县委办公室, and the fallback results of two vertical units, one from its
//! superior's assessment and one from its self-score. `seed::seed_demo` calls
//! [`seed_results`] last.

use diesel::prelude::*;

use crate::audit::{self, Actor, Change, SigningKey};
use crate::auth::{AuthUser, Role};
use crate::error::ApiError;
use crate::models::cycle_unit::FallbackSource;
use crate::models::result::PublicationScope;
use crate::models::{CycleId, LeaderId, UnitId};
use crate::ops::result_inputs::{self, NewBand, NewFallback, NewSettings, NewVeto};
use crate::schema::assessment_cycles;

/// 县委办公室, vetoed in the demo.
pub const DEMO_VETOED_UNIT: i64 = 14;
/// Its deputy director 丘涛敏, the leader the veto names.
pub const DEMO_VETOED_LEADER: i64 = 63;
/// 国家税务总局阳山县税务局 and 阳山县地方税务局: the vertical units with fallback results.
pub const DEMO_FALLBACK_UNITS: [i64; 2] = [79, 80];

/// Seeds the results' inputs of the demo year's cycle.
pub fn seed_results(conn: &mut PgConnection, signer: &SigningKey) -> Result<(), ApiError> {
    let system = Actor::system();
    let record = |conn: &mut PgConnection, change: Change| -> Result<(), ApiError> {
        audit::append(conn, signer, &system, change)
            .map(drop)
            .map_err(ApiError::from)
    };
    let cycle_id: CycleId = assessment_cycles::table
        .filter(assessment_cycles::year.eq(crate::seed::DEMO_YEAR))
        .select(assessment_cycles::id)
        .first(conn)?;
    let admin = AuthUser {
        sub: "office-admin".to_owned(),
        name: "县纪委办公室".to_owned(),
        role: Role::Office,
        unit_id: None,
        request_id: None,
    };
    let bands: Vec<NewBand> = [
        ("较差", "0"),
        ("一般", "60"),
        ("良好", "80"),
        ("优秀", "90"),
    ]
    .into_iter()
    .map(|(name, lower)| NewBand {
        name: name.to_owned(),
        lower_bound: lower.to_owned(),
    })
    .collect();
    let (_, change) = result_inputs::put_bands(conn, &admin, cycle_id, &bands, |_| Ok(()))?;
    record(conn, change)?;
    let settings = NewSettings {
        publication_scope: PublicationScope::Kind,
        units_see_leader_grades: false,
        veto_enabled: true,
        veto_band: Some("一般".to_owned()),
    };
    let (_, change) = result_inputs::put_settings(conn, &admin, cycle_id, settings, |_| Ok(()))?;
    record(conn, change)?;
    let veto = NewVeto {
        unit_id: UnitId(DEMO_VETOED_UNIT),
        leader_id: Some(LeaderId(DEMO_VETOED_LEADER)),
        reason: "班子成员因收受礼金受到党内严重警告处分".to_owned(),
        document_ref: "阳纪发〔2014〕21号".to_owned(),
    };
    let (_, change) = result_inputs::create_veto(conn, &admin, cycle_id, veto)?;
    record(conn, change)?;
    let fallbacks = [
        (
            DEMO_FALLBACK_UNITS[0],
            "86.00",
            FallbackSource::SuperiorAssessment,
            "韶关市税务局韶税发〔2014〕88号",
        ),
        (
            DEMO_FALLBACK_UNITS[1],
            "91.50",
            FallbackSource::SelfScore,
            "阳山县地方税务局2014年度党风廉政建设责任制自查报告",
        ),
    ];
    for (unit, value, source, document_ref) in fallbacks {
        let new = NewFallback {
            value: value.to_owned(),
            source,
            document_ref: document_ref.to_owned(),
        };
        let (_, _, change) =
            result_inputs::put_fallback(conn, &admin, (cycle_id, UnitId(unit)), new, |_| Ok(()))?;
        record(conn, change)?;
    }
    Ok(())
}
