//! Cases walked through each plan's main path and refusal paths, on both backends. Each check
//! cites the seed clause it restates. Today is Monday 2026-11-23, 10:00 Asia/Shanghai.

use serde_json::{Value, json};

use crate::case_support::*;
use crate::doc_support::{complete_materials, jpeg, upload};
use crate::helpers::{Backend, error_body};
use crate::on_both_backends;
use crate::registry::{PLAN1, PLAN5};

const MONDAY: &str = "2026-11-23T10:00:00+08:00";

async fn refused(response: reqwest::Response) -> (u16, String, Value) {
    error_body(response).await
}

async fn plan_1_expert_outpatient(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let (user, policy) = insured(&app, "p1", PLAN1, "2026-01-05", "11010519800101001").await;
    let specialist = staff(&app, "p1-specialist", "specialist", Some(PLAN1_INSURER)).await;
    let form = json!({
        "policy_id": policy, "service": "expert_outpatient",
        "diagnosis_state": "confirmed", "illness_id": "CI-01",
        "city": "110100", "hospital_id": "3a-0006",
    });

    // seed 000 一、2(1): the service starts from a confirmed diagnosis only.
    let mut suspected = form.clone();
    suspected["diagnosis_state"] = json!("suspected");
    let (status, code, _) = refused(create(&app, &user, "p1-suspected", &suspected).await).await;
    assert_eq!(
        (status, code.as_str()),
        (422, "diagnosis_state_not_accepted")
    );
    // seed 000 一、2(4)2) "指定科室，但不承诺指定医生": the insured may name the department
    // (interpretation, issue 13), never the doctor.
    let mut doctor = form.clone();
    doctor["expert_name"] = json!("王主任");
    let (status, code, details) = refused(create(&app, &user, "p1-doctor", &doctor).await).await;
    assert_eq!((status, code.as_str()), (422, "field_not_nameable"));
    assert_eq!(details["field"], "expert");
    // seed 000 一、2(3): only the listed cities (秦皇岛 is not one of the 31).
    let mut elsewhere = form.clone();
    elsewhere["city"] = json!("130300");
    elsewhere["hospital_id"] = Value::Null;
    let (status, code, _) = refused(create(&app, &user, "p1-city", &elsewhere).await).await;
    assert_eq!((status, code.as_str()), (422, "city_not_covered"));
    let mut wrong_city = form.clone();
    wrong_city["city"] = json!("310100");
    let (status, code, _) = refused(create(&app, &user, "p1-hospital", &wrong_city).await).await;
    assert_eq!((status, code.as_str()), (422, "hospital_not_in_city"));
    // Every problem of a request at once: the first is the answer's code, all are listed.
    let mut several = elsewhere.clone();
    several["expert_name"] = json!("王主任");
    several["diagnosis_state"] = json!("suspected");
    several["admission_slip_date"] = json!("2026-11-01");
    let (status, code, details) = refused(create(&app, &user, "p1-several", &several).await).await;
    assert_eq!((status, code.as_str()), (422, "city_not_covered"));
    let codes: Vec<&str> = details["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["code"].as_str().expect("code"))
        .collect();
    assert_eq!(
        codes,
        [
            "city_not_covered",
            "field_not_nameable",
            "diagnosis_state_not_accepted",
            "admission_slip_date_without_slip"
        ]
    );
    assert_eq!(details["errors"][1]["field"], "expert");
    assert!(
        details["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .all(|e| e["message"].as_str().is_some_and(|m| !m.is_empty()))
    );

    let mut form = form;
    form["department_id"] = json!("oncology");
    let case = created(&app, &user, &form).await;
    assert_eq!(case["status"], "draft");
    assert_eq!(case["awaiting"]["action"], "submit");
    assert_eq!(case["department"]["id"], "oncology");
    assert_eq!(case["city"]["name"], "北京");
    assert_eq!(case["hospital"]["name"], "北京大学第一医院（北大医院）");
    assert_eq!(
        service_left(&app, &user, &policy, "expert_outpatient").await,
        0
    );

    let approved = approved(&app, &user, &specialist, &case).await;
    assert_eq!(approved["status"], "approved");
    // seed 000 一、2(4)3): within 5 working days of the latest of application, approval and
    // complete materials: by the end of Monday 30 November.
    assert_eq!(approved["due"]["sla_due_at"], "2026-11-30T23:59:59+08:00");
    let scheduled = scheduled(&app, &specialist, &approved, "2026-11-27T09:00:00+08:00").await;
    assert_eq!(scheduled["appointment"]["hospital"], "北京大学第一医院");

    // seed 000 一、2(4)5): once arranged, no change and no cancellation; it would count.
    let mine: Value = get(&app, &format!("/api/v1/cases/{}", id(&case)), Some(&user))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        mine["cancellation"],
        json!({"allowed": false, "counted": true, "provisional": false})
    );
    let (status, code, details) = refused(
        post(
            &app,
            &format!("/api/v1/cases/{}/cancel", id(&case)),
            Some(&user),
            &json!({}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (409, "cancellation_not_allowed"));
    assert_eq!(details["counted"], true);

    // seed 000 一、2(4)5): a no-show counts as used — recorded once the visit's time has come.
    set_clock(&app, "2026-11-27T12:00:00+08:00").await;
    let no_show = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/no-show", id(&case)),
        &specialist,
        &json!({"version": version(&scheduled)}),
    )
    .await;
    assert_eq!(no_show["status"], "no_show");
    assert_eq!(
        no_show["outcome"],
        json!({"code": "no_show", "counted": true})
    );
    let (status, code, _) = refused(create(&app, &user, "p1-again", &form).await).await;
    assert_eq!((status, code.as_str()), (409, "quota_exhausted"));

    // Every transition left an event, and the insured hears of each that matters.
    let timeline: Vec<_> = no_show["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|e| e["action"].as_str().expect("action").to_owned())
        .collect();
    assert_eq!(
        timeline,
        [
            "created",
            "submitted",
            "claimed",
            "approved",
            "scheduled",
            "no_show"
        ]
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM notification WHERE state = 'pending'"
        )
        .await,
        5,
        "submitted, specialist assigned, approved, scheduled, no-show"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM quota_use WHERE state = 'consumed'"
        )
        .await,
        1
    );
}

async fn plan_2_waiting_period_escorts_and_abroad(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    // seed 001 (waiting period, interpretation of 90 days): a policy of 2026-10-01 waits.
    let (early, early_policy) =
        insured(&app, "p2-early", PLAN2, "2026-10-01", "11010519800101002").await;
    let (status, code, details) = refused(
        create(
            &app,
            &early,
            "p2-early-1",
            &json!({"policy_id": early_policy, "service": "escort", "city": "110100",
                    "diagnosis_state": "confirmed", "illness_id": "CI-02"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (403, "waiting_period"));
    assert_eq!(details["available_from"], "2026-12-30");

    let (user, policy) = insured(&app, "p2", PLAN2, "2026-01-05", "11010519800101003").await;
    let escort = json!({"policy_id": policy, "service": "escort", "city": "440100",
                        "diagnosis_state": "confirmed", "illness_id": "CI-02"});
    // seed 001 国内就医陪诊 一、4: twice a policy year.
    created(&app, &user, &escort).await;
    created(&app, &user, &escort).await;
    let (status, code, _) = refused(create(&app, &user, "p2-third", &escort).await).await;
    assert_eq!((status, code.as_str()), (409, "quota_exhausted"));
    // An escort city outside the 31.
    let mut far = escort.clone();
    far["city"] = json!("130300");
    far["service"] = json!("expert_outpatient");
    let far_ok = created(&app, &user, &far).await;
    assert_eq!(
        far_ok["city"]["name"], "秦皇岛",
        "秦皇岛 is one of the 59 outpatient cities"
    );

    // Overseas second opinion: countries, not cities.
    let mut abroad = json!({"policy_id": policy, "service": "second_opinion_overseas",
                            "city": "FR", "diagnosis_state": "confirmed", "illness_id": "CI-01"});
    let (status, code, _) = refused(create(&app, &user, "p2-fr", &abroad).await).await;
    assert_eq!((status, code.as_str()), (422, "city_not_covered"));
    abroad["city"] = json!("US");
    let case = created(&app, &user, &abroad).await;
    assert_eq!(case["city"]["name"], "美国");

    // The main path for work without an appointment: approved, started, completed; the use is
    // consumed. seed 001 海外二次诊疗: 20 working days from complete materials.
    let specialist = staff(&app, "p2-specialist", "specialist", Some("starr")).await;
    let report = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "second_opinion_domestic",
        "city": "310100", "diagnosis_state": "confirmed", "illness_id": "CI-01"}),
    )
    .await;
    let approved_report = approved(&app, &user, &specialist, &report).await;
    assert_eq!(
        approved_report["due"]["sla_due_at"], "2026-12-07T23:59:59+08:00",
        "10 wd from materials complete"
    );
    let started = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/start", id(&report)),
        &specialist,
        &json!({"version": version(&approved_report)}),
    )
    .await;
    assert_eq!(started["status"], "in_progress");
    // The second opinion ends with its report (issue 15).
    let uploaded = crate::reports::upload_report(
        &app,
        &specialist,
        &id(&report),
        "opinion.pdf",
        crate::reports::PDF,
    )
    .await;
    assert_eq!(uploaded.status().as_u16(), 201);
    let done = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/complete", id(&report)),
        &specialist,
        &json!({"version": version(&started)}),
    )
    .await;
    assert_eq!(
        done["outcome"],
        json!({"code": "completed", "counted": true})
    );
    assert_eq!(
        service_left(&app, &user, &policy, "second_opinion_domestic").await,
        0
    );

    // A draft left unsubmitted for more than 7 days expires and gives its use back.
    assert_eq!(
        service_left(&app, &user, &policy, "second_opinion_overseas").await,
        0
    );
    set_clock(&app, "2026-12-01T10:00:01+08:00").await;
    let expired = green_channel::cases::expiry::sweep(&app.state)
        .await
        .expect("swept");
    assert_eq!(
        expired, 4,
        "every draft of this test still a draft is past its week"
    );
    let after: Value = get(&app, &format!("/api/v1/cases/{}", id(&case)), Some(&user))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(after["status"], "expired");
    assert_eq!(
        service_left(&app, &user, &policy, "second_opinion_overseas").await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM notification WHERE kind = 'case_expired'"
        )
        .await,
        4
    );
    assert_eq!(
        green_channel::cases::expiry::sweep(&app.state)
            .await
            .expect("swept"),
        0
    );
}

async fn plan_3_cooling_off_slip_first_contact_and_noon_the_day_before(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let specialist = staff(&app, "p3-specialist", "specialist", Some(PLAN3_INSURER)).await;
    // seed 002 (一)2.4: not within the cooling-off period (15 days, interpretation).
    let (fresh, fresh_policy) =
        insured(&app, "p3-fresh", PLAN3, "2026-11-20", "11010519800101004").await;
    let (status, code, _) = refused(
        create(
            &app,
            &fresh,
            "p3-fresh-1",
            &json!({"policy_id": fresh_policy, "service": "expert_outpatient",
                    "diagnosis_state": "suspected", "illness_id": "CI-01"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (403, "cooling_off"));

    let (a, a_policy) = insured(&app, "p3-a", PLAN3, "2026-01-05", "11010519800101005").await;
    let (b, b_policy) = insured(&app, "p3-b", PLAN3, "2026-01-05", "11010519800101006").await;
    // seed 002 (二)2.3: inpatient needs the admission slip of the requested department.
    let (status, code, _) = refused(
        create(
            &app,
            &a,
            "p3-slip",
            &json!({"policy_id": a_policy, "service": "inpatient_surgery",
                    "diagnosis_state": "confirmed", "illness_id": "CI-01"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "admission_slip_required"));

    // seed 002 (一)1.2: hospital, department and expert may all be named.
    let outpatient = |policy: &str| {
        json!({"policy_id": policy, "service": "expert_outpatient",
               "diagnosis_state": "suspected", "illness_id": "CI-01",
               "hospital_id": "3a-0006", "department_id": "oncology", "expert_name": "王主任"})
    };
    let case_a = created(&app, &a, &outpatient(&a_policy)).await;
    let case_b = created(&app, &b, &outpatient(&b_policy)).await;
    let mut visits = Vec::new();
    for (user, case) in [(&a, &case_a), (&b, &case_b)] {
        let approved = approved(&app, user, &specialist, case).await;
        // seed 002 (一)2.2: a specialist calls about 2 hours after the application (the clock
        // runs on from Monday 10:00, so 12:00 and a few moments); (一)2.7: arranged within 5
        // working days of the approval.
        let contact = approved["due"]["first_contact_due_at"]
            .as_str()
            .expect("due");
        assert!(contact.starts_with("2026-11-23T12:00:0"), "{contact}");
        assert_eq!(approved["due"]["sla_due_at"], "2026-11-30T23:59:59+08:00");
        visits.push(scheduled(&app, &specialist, &approved, "2026-11-27T14:00:00+08:00").await);
    }

    // seed 002 (一)2.9(6): free until 12:00 on the day before the visit; counted from 12:00.
    set_clock(&app, "2026-11-26T11:59:00+08:00").await;
    let free = ok(
        &app,
        &format!("/api/v1/cases/{}/cancel", id(&case_a)),
        &a,
        &json!({"reason": "已在当地就诊"}),
    )
    .await;
    assert_eq!(
        free["outcome"],
        json!({"code": "cancelled", "counted": false})
    );
    assert_eq!(
        service_left(&app, &a, &a_policy, "expert_outpatient").await,
        1
    );
    set_clock(&app, "2026-11-26T12:00:00+08:00").await;
    let late = ok(
        &app,
        &format!("/api/v1/cases/{}/cancel", id(&case_b)),
        &b,
        &json!({}),
    )
    .await;
    assert_eq!(
        late["outcome"],
        json!({"code": "late_cancellation", "counted": true})
    );
    assert_eq!(
        service_left(&app, &b, &b_policy, "expert_outpatient").await,
        0
    );

    // seed 002 (二)2.9(11): inpatient cannot be cancelled once arranged; it would count.
    let inpatient = created(
        &app,
        &a,
        &json!({"policy_id": a_policy, "service": "inpatient_surgery",
                "diagnosis_state": "confirmed", "illness_id": "CI-01",
                "admission_slip": true, "admission_slip_date": "2026-11-25"}),
    )
    .await;
    let approved = approved(&app, &a, &specialist, &inpatient).await;
    // seed 002 (二)2.5: 7 working days from the later of application and the slip's date.
    assert!(approved["due"]["sla_due_at"].is_string());
    let (status, code, details) = refused(
        post(
            &app,
            &format!("/api/v1/cases/{}/cancel", id(&inpatient)),
            Some(&a),
            &json!({}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (409, "cancellation_not_allowed"));
    assert_eq!(details["counted"], true);
    // seed 002 (一)2.9(5): arriving 30 minutes late gives the service up; a no-show is at least
    // that, and counts.
    let (c, c_policy) = insured(&app, "p3-absent", PLAN3, "2026-01-05", "11010519800101049").await;
    let outpatient = created(&app, &c, &beijing_outpatient(&c_policy)).await;
    let arranged = crate::case_support::approved(&app, &c, &specialist, &outpatient).await;
    let booked =
        crate::case_support::scheduled(&app, &specialist, &arranged, "2026-12-08T09:30:00+08:00")
            .await;
    set_clock(&app, "2026-12-08T12:00:00+08:00").await;
    let absent = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/no-show", id(&outpatient)),
        &specialist,
        &json!({"version": version(&booked)}),
    )
    .await;
    assert_eq!(
        absent["outcome"],
        json!({"code": "no_show", "counted": true})
    );
    assert_eq!(
        service_left(&app, &c, &c_policy, "expert_outpatient").await,
        0
    );

    // seed 002 (二)2.9(2): a hospital refusing the admission for an infectious disease — the
    // provider is not liable, and the use is not counted (interpretation).
    let (d, d_policy) = insured(
        &app,
        "p3-infectious",
        PLAN3,
        "2026-01-05",
        "11010519800101057",
    )
    .await;
    let stay = created(
        &app,
        &d,
        &json!({"policy_id": d_policy, "service": "inpatient_surgery",
                "diagnosis_state": "confirmed", "illness_id": "CI-01",
                "admission_slip": true, "admission_slip_date": "2026-11-20"}),
    )
    .await;
    let arranged = crate::case_support::approved(&app, &d, &specialist, &stay).await;
    let refused_admission = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/terminate", id(&stay)),
        &specialist,
        &json!({"version": version(&arranged), "reason": "infectious_disease_refusal"}),
    )
    .await;
    assert_eq!(
        refused_admission["outcome"],
        json!({"code": "infectious_disease_refusal", "counted": false})
    );
    assert_eq!(
        service_left(&app, &d, &d_policy, "inpatient_surgery").await,
        1
    );
}

async fn plan_4_lead_time_departments_and_the_no_slip_path(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let (user, policy) = insured(&app, "p4", PLAN4, "2026-01-05", "11010519800101007").await;
    let outpatient = json!({"policy_id": policy, "service": "expert_outpatient",
                            "diagnosis_state": "suspected", "illness_id": "CI-03",
                            "hospital_id": "3a-0006", "department_id": "cardiology",
                            "wanted_date": "2026-12-04"});
    // seed 003 一、服务流程1: book at least 5 working days ahead.
    let mut soon = outpatient.clone();
    soon["wanted_date"] = json!("2026-11-27");
    let (status, code, details) = refused(create(&app, &user, "p4-soon", &soon).await).await;
    assert_eq!((status, code.as_str()), (422, "lead_time_too_short"));
    assert_eq!(details["working_days"], 5);
    let mut missing = outpatient.clone();
    missing["wanted_date"] = Value::Null;
    let (status, code, _) = refused(create(&app, &user, "p4-nodate", &missing).await).await;
    assert_eq!((status, code.as_str()), (422, "wanted_date_required"));
    // seed 003 一、注意事项4: no obstetrics, emergency or technical departments.
    for department in ["obstetrics", "emergency", "radiology"] {
        let mut excluded = outpatient.clone();
        excluded["department_id"] = json!(department);
        let (status, code, _) =
            refused(create(&app, &user, &format!("p4-{department}"), &excluded).await).await;
        assert_eq!(
            (status, code.as_str()),
            (422, "department_excluded"),
            "{department}"
        );
    }
    // seed 003 一、注意事项6: no named expert.
    let mut expert = outpatient.clone();
    expert["expert_name"] = json!("李主任");
    let (status, code, details) = refused(create(&app, &user, "p4-expert", &expert).await).await;
    assert_eq!(
        (status, code.as_str(), details["field"].as_str()),
        (422, "field_not_nameable", Some("expert"))
    );

    // seed 003 二、注意事项10, 11: without an in-network slip an outpatient visit comes first and
    // the one application (both services) is used.
    let inpatient = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "inpatient_surgery",
                "diagnosis_state": "suspected", "illness_id": "CI-03"}),
    )
    .await;
    assert_eq!(inpatient["outpatient_first"], true);
    let (status, code, _) = refused(create(&app, &user, "p4-outpatient", &outpatient).await).await;
    assert_eq!((status, code.as_str()), (409, "quota_exhausted"));
    complete_materials(&app, &user, &id(&inpatient)).await;
    let submitted = ok(
        &app,
        &format!("/api/v1/cases/{}/submit", id(&inpatient)),
        &user,
        &json!({}),
    )
    .await;
    // 3 working days from acceptance for the outpatient step (end of Thursday); the 8–10 wd
    // slip promise waits.
    assert_eq!(
        submitted["due"]["start_decision_due_at"],
        "2026-11-26T23:59:59+08:00"
    );
    assert_eq!(submitted["due"]["sla_due_at"], Value::Null);
    // seed 003 二7: the outpatient visit brings the slip; recorded, the 8–10 wd run from it.
    let reviewer = staff(
        &app,
        "p4-reviewer",
        "specialist",
        Some("haorensheng-partner"),
    )
    .await;
    let claimed = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/claim", id(&inpatient)),
        &reviewer,
        &json!({"version": version(&submitted)}),
    )
    .await;
    let slip = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/milestone", id(&inpatient)),
        &reviewer,
        &json!({"version": version(&claimed), "milestone": "admission_slip", "date": "2026-11-23"}),
    )
    .await;
    assert_eq!(
        slip["due"]["sla_due_at"], "2026-12-07T23:59:59+08:00",
        "{slip}"
    );

    // seed 003 二、服务流程: with an in-network slip, admission within 8–10 working days of the
    // later of acceptance and the slip; arranged and completed, the one application is used.
    let (holder, holder_policy) =
        insured(&app, "p4-slip", PLAN4, "2026-01-05", "11010519800101012").await;
    let specialist = staff(
        &app,
        "p4-specialist",
        "specialist",
        Some("haorensheng-partner"),
    )
    .await;
    let with_slip = created(
        &app,
        &holder,
        &json!({"policy_id": holder_policy, "service": "inpatient_surgery",
        "diagnosis_state": "confirmed", "illness_id": "CI-03",
        "admission_slip": true, "admission_slip_date": "2026-11-20"}),
    )
    .await;
    assert_eq!(with_slip["outpatient_first"], false);
    let approved = approved(&app, &holder, &specialist, &with_slip).await;
    assert_eq!(approved["due"]["sla_due_at"], "2026-12-07T23:59:59+08:00");
    let arranged = scheduled(&app, &specialist, &approved, "2026-12-03T08:30:00+08:00").await;
    set_clock(&app, "2026-12-03T12:00:00+08:00").await;
    let done = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/complete", id(&with_slip)),
        &specialist,
        &json!({"version": version(&arranged)}),
    )
    .await;
    assert_eq!(done["status"], "completed");
    assert_eq!(
        service_left(&app, &holder, &holder_policy, "expert_outpatient").await,
        0
    );
}

async fn plan_5_relatives_and_two_working_days_notice(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let specialist = staff(&app, "p5-specialist", "specialist", None).await;
    let (user, policy) = insured(&app, "p5", PLAN5, "2026-01-05", "11010519800101008").await;
    let (other, other_policy) =
        insured(&app, "p5-b", PLAN5, "2026-01-05", "11010519800101009").await;

    // seed 004 一、电话医生: relatives may call the tele-doctor, not use the green channel.
    let invited: Value = app
        .post_json(
            &format!("/api/v1/policies/{policy}/invitations"),
            &json!({"relationship": "child"}),
            Some(&user),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let child = app.login_ok("dev:p5-child").await["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let redeemed = app
        .post_json(
            "/api/v1/policies/invitations/redeem",
            &json!({"code": invited["code"]}),
            Some(&child),
        )
        .await;
    assert_eq!(redeemed.status().as_u16(), 200);
    let tele = created(
        &app,
        &child,
        &json!({"policy_id": policy, "service": "tele_doctor"}),
    )
    .await;
    assert_eq!(tele["status"], "draft");
    let (status, code, _) = refused(
        create(
            &app,
            &child,
            "p5-child-outpatient",
            &json!({"policy_id": policy, "service": "expert_outpatient",
                       "diagnosis_state": "confirmed", "illness_id": "CI-01"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (403, "not_insured_person"));
    // The insured does not see the relative's case, nor the relative the insured's.
    let (status, _, _) =
        refused(get(&app, &format!("/api/v1/cases/{}", id(&tele)), Some(&user)).await).await;
    assert_eq!(status, 404);

    // seed 004 四、(三): at least 2 working days' notice, otherwise counted. Visit Friday 14:00.
    let outpatient = |policy: &str| {
        json!({"policy_id": policy, "service": "expert_outpatient",
                                           "diagnosis_state": "confirmed", "illness_id": "CI-01"})
    };
    let mut visits = Vec::new();
    for (token, policy) in [(&user, &policy), (&other, &other_policy)] {
        let case = created(&app, token, &outpatient(policy)).await;
        let approved = approved(&app, token, &specialist, &case).await;
        visits.push(scheduled(&app, &specialist, &approved, "2026-11-27T14:00:00+08:00").await);
    }
    // The notice day may be the second working day before the visit (Wednesday for Friday).
    set_clock(&app, "2026-11-25T18:00:00+08:00").await; // Wednesday: Wed + Thu = 2 wd notice
    let free = ok(
        &app,
        &format!("/api/v1/cases/{}/cancel", id(&visits[0])),
        &user,
        &json!({}),
    )
    .await;
    assert_eq!(free["outcome"]["counted"], false);
    set_clock(&app, "2026-11-26T09:00:00+08:00").await; // Thursday: only itself
    let late = ok(
        &app,
        &format!("/api/v1/cases/{}/cancel", id(&visits[1])),
        &other,
        &json!({}),
    )
    .await;
    assert_eq!(late["outcome"]["counted"], true);
    assert_eq!(
        service_left(&app, &user, &policy, "expert_outpatient").await,
        1
    );
    assert_eq!(
        service_left(&app, &other, &other_policy, "expert_outpatient").await,
        0
    );
}

async fn idempotency_keys_and_optimistic_locking(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let (user, policy) = insured(&app, "idem", PLAN2, "2026-01-05", "11010519800101010").await;
    let body = json!({"policy_id": policy, "service": "escort", "city": "110100",
                      "diagnosis_state": "confirmed", "illness_id": "CI-01"});
    let missing = app.post_json("/api/v1/cases", &body, Some(&user)).await;
    let (status, code, _) = refused(missing).await;
    assert_eq!((status, code.as_str()), (400, "idempotency_key_required"));
    let short = app
        .client
        .post(app.url("/api/v1/cases"))
        .bearer_auth(&user)
        .header("Idempotency-Key", "short")
        .json(&body)
        .send()
        .await
        .expect("sent");
    let (status, code, _) = refused(short).await;
    assert_eq!((status, code.as_str()), (400, "idempotency_key_invalid"));

    let first = create(&app, &user, "escort-application-1", &body).await;
    assert_eq!(first.status().as_u16(), 201);
    let first: Value = first.json().await.expect("JSON");
    let retry = create(&app, &user, "escort-application-1", &body).await;
    assert_eq!(retry.status().as_u16(), 201);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    assert_eq!(
        retry.json::<Value>().await.expect("JSON")["id"],
        first["id"]
    );
    let mut other = body.clone();
    other["city"] = json!("310100");
    let (status, code, _) =
        refused(create(&app, &user, "escort-application-1", &other).await).await;
    assert_eq!((status, code.as_str()), (422, "idempotency_key_reused"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM service_case").await, 1);
    assert_eq!(service_left(&app, &user, &policy, "escort").await, 1);

    // Two specialists acting on the same version: one wins, the other is told, nothing is lost.
    let specialist = staff(&app, "idem-specialist", "supervisor", None).await;
    complete_materials(&app, &user, &id(&first)).await;
    let submitted = ok(
        &app,
        &format!("/api/v1/cases/{}/submit", id(&first)),
        &user,
        &json!({}),
    )
    .await;
    let claimed = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/claim", id(&first)),
        &specialist,
        &json!({"version": version(&submitted)}),
    )
    .await;
    let stale = version(&claimed);
    ok(
        &app,
        &format!("/api/v1/staff/cases/{}/approve", id(&first)),
        &specialist,
        &json!({"version": stale}),
    )
    .await;
    let (status, code, _) = refused(
        post(
            &app,
            &format!("/api/v1/staff/cases/{}/request-materials", id(&first)),
            Some(&specialist),
            &json!({"version": stale, "categories": ["ct"], "message": "请补充CT报告"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (409, "case_modified"));
    // Submitting twice is refused by the lifecycle, not applied twice.
    let (status, code, _) = refused(
        post(
            &app,
            &format!("/api/v1/cases/{}/submit", id(&first)),
            Some(&user),
            &json!({}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (409, "invalid_transition"));
}

async fn specialists_ask_for_materials_and_the_user_sees_what_is_awaited(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let (user, policy) = insured(&app, "mat", PLAN3, "2026-01-05", "11010519800101011").await;
    let specialist = staff(&app, "mat-specialist", "specialist", Some(PLAN3_INSURER)).await;
    let colleague = staff(&app, "mat-colleague", "specialist", Some(PLAN3_INSURER)).await;
    let case = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "expert_outpatient",
                                            "diagnosis_state": "suspected", "illness_id": "CI-05"}),
    )
    .await;
    complete_materials(&app, &user, &id(&case)).await;
    let submitted = ok(
        &app,
        &format!("/api/v1/cases/{}/submit", id(&case)),
        &user,
        &json!({}),
    )
    .await;
    let claimed = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/claim", id(&case)),
        &specialist,
        &json!({"version": version(&submitted)}),
    )
    .await;
    // One owner at a time.
    let (status, code, _) = refused(
        post(
            &app,
            &format!("/api/v1/staff/cases/{}/approve", id(&case)),
            Some(&colleague),
            &json!({"version": version(&claimed)}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (403, "not_assignee"));
    let (status, code, _) = refused(
        post(
            &app,
            &format!("/api/v1/staff/cases/{}/request-materials", id(&case)),
            Some(&specialist),
            &json!({"version": version(&claimed), "categories": [], "message": "x"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "categories_required"));
    ok(
        &app,
        &format!("/api/v1/staff/cases/{}/request-materials", id(&case)),
        &specialist,
        &json!({"version": version(&claimed), "categories": ["outpatient_record", "ct"],
               "message": "请补充二甲及以上医院的门诊病历和CT报告"}),
    )
    .await;
    let mine: Value = get(&app, &format!("/api/v1/cases/{}", id(&case)), Some(&user))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(mine["status"], "needs_materials");
    assert_eq!(mine["awaiting"]["action"], "materials");
    assert_eq!(
        mine["awaiting"]["materials"][1],
        json!({"code": "ct", "label": "CT报告"})
    );
    // The specialist asked for a CT report: without one the case cannot go back.
    let (status, code, details) = refused(
        post(
            &app,
            &format!("/api/v1/cases/{}/submit", id(&case)),
            Some(&user),
            &json!({}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "materials_missing"));
    assert_eq!(details["missing"], json!(["ct"]));
    upload(&app, &user, &id(&case), "ct", &jpeg(32, 24, 77)).await;
    let resubmitted = ok(
        &app,
        &format!("/api/v1/cases/{}/submit", id(&case)),
        &user,
        &json!({}),
    )
    .await;
    assert_eq!(resubmitted["status"], "submitted");
    assert_eq!(resubmitted["awaiting"], Value::Null);
    // The same specialist takes it again; the refusal reasons are the plan's.
    let reclaimed = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/claim", id(&case)),
        &specialist,
        &json!({"version": version(&resubmitted)}),
    )
    .await;
    let (status, code, _) = refused(
        post(
            &app,
            &format!("/api/v1/staff/cases/{}/reject", id(&case)),
            Some(&specialist),
            &json!({"version": version(&reclaimed), "reason": "not_first_diagnosis"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "reason_not_in_plan"));
    // seed 002 Q&A: an illness from before the policy is not eligible; the use goes back.
    let rejected = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/reject", id(&case)),
        &specialist,
        &json!({"version": version(&reclaimed), "reason": "pre_existing_condition",
                              "note": "投保前已确诊"}),
    )
    .await;
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(
        rejected["outcome"],
        json!({"code": "pre_existing_condition", "counted": false})
    );
    assert_eq!(
        service_left(&app, &user, &policy, "expert_outpatient").await,
        1
    );
    let list: Value = get(&app, "/api/v1/cases?per_page=10", Some(&user))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["status"], "rejected");
}

async fn the_queue_puts_due_dates_first_and_flags_broken_promises(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let supervisor = staff(&app, "queue-supervisor", "supervisor", None).await;
    let (p3, p3_policy) = insured(&app, "q3", PLAN3, "2026-01-05", "11010519800101013").await;
    let (p2, p2_policy) = insured(&app, "q2", PLAN2, "2026-01-05", "11010519800101014").await;
    let (p4, p4_policy) = insured(&app, "q4", PLAN4, "2026-01-05", "11010519800101015").await;
    let outpatient = created(
        &app,
        &p3,
        &json!({"policy_id": p3_policy, "service": "expert_outpatient",
        "diagnosis_state": "suspected", "illness_id": "CI-01"}),
    )
    .await;
    let escort = created(
        &app,
        &p2,
        &json!({"policy_id": p2_policy, "service": "escort", "city": "110100",
        "diagnosis_state": "confirmed", "illness_id": "CI-01"}),
    )
    .await;
    let coordination = created(
        &app,
        &p4,
        &json!({"policy_id": p4_policy, "service": "expert_outpatient",
        "diagnosis_state": "suspected", "illness_id": "CI-01", "wanted_date": "2026-12-04"}),
    )
    .await;
    for (token, case) in [(&p3, &outpatient), (&p2, &escort), (&p4, &coordination)] {
        complete_materials(&app, token, &id(case)).await;
        ok(
            &app,
            &format!("/api/v1/cases/{}/submit", id(case)),
            token,
            &json!({}),
        )
        .await;
    }
    let queue = || async {
        let page: Value = get(&app, "/api/v1/staff/cases", Some(&supervisor))
            .await
            .json()
            .await
            .expect("JSON");
        page["items"].as_array().expect("items").clone()
    };
    let items = queue().await;
    // The escort's SLA runs from the application (5 wd); the others have none yet.
    assert_eq!(items[0]["id"], escort["id"]);
    assert_eq!(items.len(), 3);
    assert!(
        items
            .iter()
            .all(|i| i["overdue"] == false && i["first_contact_overdue"] == false)
    );

    // Wednesday 18:00: seed 002's 2-hour call is long overdue; seed 003's 1–2 wd decision too.
    set_clock(&app, "2026-11-26T18:00:00+08:00").await;
    let items = queue().await;
    let item = |case: &Value| {
        items
            .iter()
            .find(|i| i["id"] == case["id"])
            .cloned()
            .expect("listed")
    };
    assert_eq!(item(&outpatient)["first_contact_overdue"], true);
    assert_eq!(item(&coordination)["start_decision_overdue"], true);
    assert_eq!(item(&escort)["overdue"], false);
    let called = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/contact", id(&outpatient)),
        &supervisor,
        &json!({"version": item(&outpatient)["version"]}),
    )
    .await;
    assert_eq!(called["first_contact_overdue"], false);
    // Tuesday 1 December, after the escort's 5 working days: overdue.
    set_clock(&app, "2026-12-01T09:00:00+08:00").await;
    let items = queue().await;
    assert_eq!(
        items
            .iter()
            .find(|i| i["id"] == escort["id"])
            .expect("listed")["overdue"],
        true
    );
    let unclaimed: Value = get(
        &app,
        "/api/v1/staff/cases?assigned=none&status=submitted",
        Some(&supervisor),
    )
    .await
    .json()
    .await
    .expect("JSON");
    assert_eq!(unclaimed["total"], 3);
}

async fn the_background_sweeper_expires_drafts_on_its_own(backend: Backend) {
    let app = crate::helpers::spawn_app_with(backend, |f| {
        f.merge(figment::providers::Serialized::default(
            "clock.adjustable",
            true,
        ))
        .merge(figment::providers::Serialized::default("clock.now", MONDAY))
        .merge(figment::providers::Serialized::default(
            "cases.sweep_interval_secs",
            1,
        ))
    })
    .await;
    let (user, policy) = insured(&app, "sweeper", PLAN2, "2026-01-05", "11010519800101016").await;
    let case = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "escort", "city": "110100",
        "diagnosis_state": "confirmed", "illness_id": "CI-01"}),
    )
    .await;
    set_clock(&app, "2026-12-01T10:00:01+08:00").await;
    let path = format!("/api/v1/cases/{}", id(&case));
    let expired = crate::helpers::eventually(std::time::Duration::from_secs(10), || async {
        let now: Value = get(&app, &path, Some(&user))
            .await
            .json()
            .await
            .expect("JSON");
        now["status"] == "expired"
    })
    .await;
    assert!(expired, "the sweeper expired the week-old draft");
    assert_eq!(service_left(&app, &user, &policy, "escort").await, 2);
}

/// Seed 004's tele-doctor has no limit: its entitlement still says how often it was used (a
/// case past its draft, open or ended counted; one cancelled free does not count).
async fn unlimited_services_report_their_uses(backend: Backend) {
    let app = app_at(backend, "2026-11-23T10:00:00+08:00").await;
    let (user, policy) = insured(&app, "unlimited", PLAN5, "2026-01-05", "11010519800101008").await;
    let used = || async {
        let entitlements: Value = get(
            &app,
            &format!("/api/v1/policies/{policy}/entitlements"),
            Some(&user),
        )
        .await
        .json()
        .await
        .expect("JSON");
        let tele = entitlements["services"]
            .as_array()
            .expect("services")
            .iter()
            .find(|s| s["id"] == "tele_doctor")
            .expect("tele_doctor")["quota"]
            .clone();
        assert_eq!(tele["unlimited"], true);
        tele["used"].as_u64().expect("used")
    };
    let body = json!({"policy_id": policy, "service": "tele_doctor"});
    let first = created(&app, &user, &body).await;
    assert_eq!(used().await, 0, "a draft is not a use");
    ok(
        &app,
        &format!("/api/v1/cases/{}/submit", id(&first)),
        &user,
        &json!({}),
    )
    .await;
    let second = created(&app, &user, &body).await;
    ok(
        &app,
        &format!("/api/v1/cases/{}/submit", id(&second)),
        &user,
        &json!({}),
    )
    .await;
    assert_eq!(used().await, 2);
    ok(
        &app,
        &format!("/api/v1/cases/{}/cancel", id(&second)),
        &user,
        &json!({}),
    )
    .await;
    assert_eq!(
        used().await,
        1,
        "cancelled before it was arranged: not counted"
    );
}

on_both_backends!(
    unlimited_services_report_their_uses,
    the_background_sweeper_expires_drafts_on_its_own,
    the_queue_puts_due_dates_first_and_flags_broken_promises,
    plan_1_expert_outpatient,
    plan_2_waiting_period_escorts_and_abroad,
    plan_3_cooling_off_slip_first_contact_and_noon_the_day_before,
    plan_4_lead_time_departments_and_the_no_slip_path,
    plan_5_relatives_and_two_working_days_notice,
    idempotency_keys_and_optimistic_locking,
    specialists_ask_for_materials_and_the_user_sees_what_is_awaited,
);
