#!/usr/bin/env python3
"""Golden vectors for recovery cases and programme analytics (SPEC §4.5).

Independent stdlib oracle (never imports nps). Writes
tests/golden/cases_vectors.json; deterministic. See tests/golden/README.md
("cases_vectors.json") for the schema.

Rules encoded here, from the SPEC and the issue:
- six steps, windows from the opening instant: 0-2, 2-4, 4-8, 8-12, 12-72 h,
  after 72 h, completed by acknowledged, first contacted, investigated,
  first solution_accepted, followed_up, reviewed;
- step state: done / done_late (completed after the window end), late (not
  done, now past the end), due (window started), pending;
- programme: low scores = original score 0-6; every rate over low scores;
  responded within 24 h inclusive; speed bands <= 6 h (85 %), <= 24 h (65 %),
  > 24 h (40 %); compensation bands none, <= 500, <= 2000, <= 5000, > 5000 CNY
  (the tier caps); channels of the first contact.
"""
import datetime as dt
import json
import os

CST = dt.timezone(dt.timedelta(hours=8))
H = 3600
STEPS = [("identify_and_grade", 0, 2, "acknowledged"), ("first_contact", 2, 4, "contacted"),
         ("investigation", 4, 8, "investigated"), ("solution", 8, 12, "solution_accepted"),
         ("execution_and_follow_up", 12, 72, "followed_up"), ("review", 72, None, "reviewed")]
SPEED = [(6 * H, 0.85), (24 * H, 0.65), (None, 0.40)]
CAPS = [50000, 200000, 500000]  # minor units (fen): B, A, S caps


def ts(text):
    return int(dt.datetime.fromisoformat(text).timestamp())


def iso(t):
    return dt.datetime.fromtimestamp(t, CST).isoformat()


def ev(kind, t, **kw):
    d = {"kind": kind, "at": iso(t)}
    d.update(kw)
    return d


def opened(t, score, reason="waiting_time", dealer=None, hv=False, por=False):
    d = ev("opened", t, score=score, reason=reason, high_value=hv, public_opinion_risk=por)
    if dealer is not None:
        d["dealer"] = dealer
    return d


def items(*yuan):
    return [{"value": y * 100, "currency": "CNY", "layer": "loss_compensation"} for y in yuan]


# --- business calendar: Asia/Shanghai (UTC+8, no DST), Mon-Fri 09:00-17:00
OPEN, CLOSE = 9 * H, 17 * H


def b_add(start, seconds):
    """start + business seconds; a deadline on a closing instant stays there."""
    cur = start
    while True:
        local = dt.datetime.fromtimestamp(cur, CST)
        day0 = int(dt.datetime(local.year, local.month, local.day, tzinfo=CST).timestamp())
        if local.weekday() < 5:
            a, b = day0 + OPEN, day0 + CLOSE
            if cur < a:
                cur = a
            if cur < b:
                if seconds <= b - cur:
                    return cur + seconds
                seconds -= b - cur
        cur = day0 + 86400


def wall_add(start, seconds):
    return start + seconds


def replay(events):
    s = {"opened": None, "ack": None, "contact": None, "channel": None, "inv": None,
         "accepted": None, "followed": None, "reviewed": None, "rerated": None,
         "outcome": None, "proposals": []}
    for e in events:
        t = ts(e["at"])
        k = e["kind"]
        if k == "opened":
            s.update(opened=t, score=e["score"], reason=e["reason"], dealer=e.get("dealer"),
                     hv=e["high_value"], por=e["public_opinion_risk"])
        elif k == "acknowledged":
            s["ack"] = t
        elif k == "contacted" and s["contact"] is None:
            s["contact"], s["channel"] = t, e["channel"]
        elif k == "investigated":
            s["inv"] = t
        elif k == "solution_proposed":
            total = sum(i["value"] for i in e["items"])
            if s["proposals"] and s["proposals"][-1][1] is None:
                s["proposals"][-1] = [total, None]
            else:
                s["proposals"].append([total, None])
        elif k == "solution_accepted":
            s["proposals"][-1][1] = t
            if s["accepted"] is None:
                s["accepted"] = t
        elif k == "followed_up":
            s["followed"] = t
        elif k == "reviewed":
            s["reviewed"] = t
        elif k == "rerated":
            s["rerated"] = e["score"]
        elif k == "closed":
            s["outcome"] = e["outcome"]
    return s


def tier_cap(s):
    if s["score"] <= 3 or s["por"]:
        return CAPS[2]
    if s["score"] <= 5 or s["hv"]:
        return CAPS[1]
    if s["score"] == 6:
        return CAPS[0]
    return None


def deadlines(s, now):
    """Triage clocks of the default policy (wall clock, lead 1800 s)."""
    out = []
    sc = s["score"]
    if sc <= 3:
        ack = 2 * H
    elif sc <= 6:
        ack = 6 * H
    elif sc == 7:
        ack = 3 * 86400
    else:
        ack = None
    if ack is not None:
        out.append(("acknowledge", s["opened"] + ack, s["ack"]))
    if sc <= 6:
        c = 2 * H if (sc <= 3 or s["por"]) else 6 * H if (sc <= 5 or s["hv"]) else 24 * H
        out.append(("contact", s["opened"] + c, s["contact"]))
    res = []
    for name, due, met in out:
        met = met if met is not None and met <= now else None
        warn = max(due - 1800, s["opened"])
        if met is not None:
            st = "met" if met <= due else "met_late"
        elif now > due:
            st = "breached"
        elif now >= warn:
            st = "warned"
        else:
            st = "pending"
        res.append({"name": name, "due": due, "state": st})
    return res


def status(events, now, add):
    s = replay(events)
    done = {"acknowledged": s["ack"], "contacted": s["contact"], "investigated": s["inv"],
            "solution_accepted": s["accepted"], "followed_up": s["followed"],
            "reviewed": s["reviewed"]}
    steps = []
    for name, a, b, by in STEPS:
        start = add(s["opened"], a * H)
        due = None if b is None else add(s["opened"], b * H)
        c = done[by] if done[by] is not None and done[by] <= now else None
        if c is not None and due is not None and c > due:
            st, late = "done_late", c - due
        elif c is not None:
            st, late = "done", 0
        elif due is not None and now > due:
            st, late = "late", now - due
        elif now >= start:
            st, late = "due", 0
        else:
            st, late = "pending", 0
        steps.append({"name": name, "start": start, "due": due, "completed_at": c,
                      "state": st, "late_seconds": late})
    current = next((x["name"] for x in steps if x["completed_at"] is None), None)
    granted, approvals = 0, []
    cap = tier_cap(s)
    # The packages as they stood at `now`: replay the events up to `now`.
    for total, acc in replay([e for e in events if ts(e["at"]) <= now])["proposals"]:
        approvals.append({"total": total, "within_cap": cap is not None and granted + total <= cap})
        if acc is not None:
            granted += total
    return {"current_step": current, "steps": steps, "approvals": approvals,
            "deadlines": deadlines(s, now) if add is wall_add else None}


def rate(n, d):
    return {"value": (n / d) if d else None, "numerator": n, "denominator": d}


def speed_band(opened_at, contact):
    for i, (w, _) in enumerate(SPEED):
        if w is None or contact - opened_at <= w:
            return i
    return len(SPEED) - 1


def stats(logs, top=5):
    low = [replay(e) for e in logs]
    low = [s for s in low if s["score"] <= 6]
    n = len(low)
    launched = sum(s["contact"] is not None for s in low)
    r24 = sum(s["contact"] is not None and s["contact"] - s["opened"] <= 24 * H for s in low)
    rec = sum(s["outcome"] in ("recovered", "converted") for s in low)
    conv = sum(s["outcome"] == "converted" for s in low)
    lost = sum(s["outcome"] == "lost" for s in low)
    reasons = {}
    for s in low:
        reasons[s["reason"]] = reasons.get(s["reason"], 0) + 1
    top_r = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    ok = lambda s: s["outcome"] in ("recovered", "converted")  # noqa: E731

    def bands(keyf, labels):
        out = []
        for i, lab in enumerate(labels):
            grp = [s for s in low if keyf(s) == i]
            out.append({"label": lab, "success": rate(sum(ok(s) for s in grp), len(grp))})
        return out

    def speed_key(s):
        return len(SPEED) if s["contact"] is None else speed_band(s["opened"], s["contact"])

    def comp_key(s):
        total = sum(t for t, acc in s["proposals"] if acc is not None)
        if total == 0:
            return 0
        for i, c in enumerate(CAPS):
            if total <= c:
                return 1 + i
        return 1 + len(CAPS)

    chans = ["phone", "visit", "message"]
    by_speed = bands(speed_key, ["<= 6h", "<= 24h", "> 24h", "not_contacted"])
    for b, (_, p) in zip(by_speed, SPEED):
        b["expected"] = p
    by_speed[-1]["expected"] = None
    return {
        "low_scores": n, "launched": launched, "responded_24h": r24, "recovered": rec,
        "converted": conv, "lost": lost,
        "launch_rate": rate(launched, n), "response_24h_rate": rate(r24, n),
        "success_rate": rate(rec, n), "conversion_rate": rate(conv, n), "lost_rate": rate(lost, n),
        "reasons": [{"reason": r, "share": rate(c, n)} for r, c in top_r],
        "by_speed": by_speed,
        "by_compensation": bands(comp_key, ["none", "<= 500.00 CNY", "<= 2000.00 CNY",
                                             "<= 5000.00 CNY", "> 5000.00 CNY"]),
        "by_channel": bands(lambda s: chans.index(s["channel"]) if s["channel"] else -1, chans),
    }


# ---------------------------------------------------------------- the month
def month_logs():
    """25 low scores of June 2025 like the source's example: 25 launched, 24
    within 24 h, 17 recovered (7 converted), 8 lost; reasons 10/6/4/3/2."""
    reasons = ["waiting_time"] * 10 + ["not_fixed"] * 6 + ["attitude"] * 4 + \
        ["price_dispute"] * 3 + ["communication"] * 2
    # delays to first contact (hours): 12 within 6 h, 12 in 6-24 h, 1 after
    delays = [1, 2, 3, 5, 6, 0.5, 4, 2, 1, 3, 6, 5, 7, 8, 12, 20, 24, 10, 9, 15, 18, 23, 11, 14, 30]
    outcomes = (["converted"] * 7 + ["recovered"] * 10 + ["lost"] * 8)
    # interleave so splits are not degenerate
    order = [0, 7, 17, 1, 8, 18, 2, 9, 19, 3, 10, 20, 4, 11, 21, 5, 12, 22, 6, 13, 23, 14, 24, 15, 16]
    outcomes = [outcomes[i] for i in order]
    channels = ["visit", "phone", "message", "phone", "visit"]
    comps = [None, (300,), (1500,), (1800, 300, 2000, 500), (6000,), (200, 200)]
    logs = []
    for i in range(25):
        t0 = ts(f"2025-06-{1 + i:02d}T10:00:00+08:00")
        score = [2, 5, 6, 3, 4, 0, 1][i % 7]
        d = "D1" if i % 3 else "D2"
        e = [opened(t0, score, reasons[i], dealer=d, hv=(i % 5 == 0)),
             ev("acknowledged", t0 + 600)]
        tc = t0 + int(delays[i] * H)
        e.append(ev("contacted", tc, channel=channels[i % 5]))
        t = tc
        if outcomes[i] != "lost" or i % 2 == 0:
            t += H
            e.append(ev("investigated", t, responsibility=["company", "shared", "customer"][i % 3]))
        comp = comps[i % 6]
        if comp is not None and outcomes[i] != "lost":
            t += H
            e.append(ev("solution_proposed", t, items=items(*comp)))
            t += H
            e.append(ev("solution_accepted", t))
            t += 2 * H
            e.append(ev("executed", t))
            t += 24 * H
            e.append(ev("followed_up", t))
        if outcomes[i] == "converted":
            t += H
            e.append(ev("rerated", t, score=9 + i % 2))
        elif outcomes[i] == "recovered" and i % 2:
            t += H
            e.append(ev("rerated", t, score=8))
        t += H
        e.append(ev("closed", t, outcome=outcomes[i]))
        if i % 4 == 0:
            t += 80 * H
            e.append(ev("reviewed", t))
        logs.append({"id": f"m{i + 1:02d}", "events": e})
    return logs


def july_logs():
    out = []
    t0 = ts("2025-07-01T09:00:00+08:00")
    out.append({"id": "j1", "events": [opened(t0, 4, "waiting_time", dealer="D2"),
                                       ev("acknowledged", t0 + 60),
                                       ev("contacted", t0 + 2 * H, channel="visit"),
                                       ev("closed", t0 + 3 * H, outcome="recovered")]})
    out.append({"id": "j2", "events": [opened(t0 + 86400, 1, "attitude", dealer="D1")]})
    out.append({"id": "j3", "events": [opened(t0 + 2 * 86400, 7, "price_dispute", dealer="D1"),
                                       ev("acknowledged", t0 + 2 * 86400 + 60)]})  # passive
    return out


def main():
    month = month_logs()
    july = july_logs()
    allc = month + july
    by_dealer = []
    for d in sorted({replay(c["events"])["dealer"] for c in allc}):
        grp = [c["events"] for c in allc if replay(c["events"])["dealer"] == d]
        by_dealer.append({"dealer": d, "stats": stats(grp)})
    by_month = []
    for label, grp in (("2025-06", month), ("2025-07", july)):
        by_month.append({"period": label, "stats": stats([c["events"] for c in grp])})

    # ---- status vectors
    t0 = ts("2025-06-13T09:00:00+08:00")  # a Friday
    full = [opened(t0, 2, dealer="D1"), ev("acknowledged", t0 + 1800),
            ev("contacted", t0 + 3 * H, channel="visit"),
            ev("investigated", t0 + 9 * H, responsibility="company"),
            ev("solution_proposed", t0 + 10 * H, items=items(1800, 300, 2000, 500)),
            ev("solution_accepted", t0 + 11 * H), ev("executed", t0 + 20 * H),
            ev("followed_up", t0 + 48 * H), ev("solution_proposed", t0 + 49 * H, items=items(1000)),
            ev("rerated", t0 + 50 * H, score=10), ev("closed", t0 + 51 * H, outcome="converted"),
            ev("reviewed", t0 + 80 * H)]
    fri16 = ts("2025-06-13T16:00:00+08:00")
    weekend = [opened(fri16, 5, "not_fixed"), ev("acknowledged", fri16 + 1200)]
    weekend_contact = weekend + [ev("contacted", ts("2025-06-16T12:30:00+08:00"), channel="phone")]
    status_vectors = []
    for name, events, now, policy in [
        ("fresh_red", full[:1], t0 + 1800, "default"),
        ("red_ack_late_contact_due", full[:2], t0 + 3 * H, "default"),
        ("contact_done_investigation_late", full[:3], t0 + 10 * H, "default"),
        ("full_case_after_review", full, t0 + 100 * H, "default"),
        ("full_case_mid_way", full, t0 + 30 * H, "default"),
        ("weekend_wall_clock_is_late", weekend, ts("2025-06-16T10:00:00+08:00"), "default"),
        ("weekend_business_not_late", weekend, ts("2025-06-16T09:30:00+08:00"), "business"),
        ("weekend_business_late_monday", weekend, ts("2025-06-16T12:30:00+08:00"), "business"),
        ("weekend_business_contact_done_late", weekend_contact,
         ts("2025-06-16T13:00:00+08:00"), "business"),
    ]:
        add = wall_add if policy == "default" else b_add
        v = {"name": name, "policy": policy, "events": events, "now": now}
        v.update(status(events, now, add))
        status_vectors.append(v)

    # ---- invalid logs: (name, events, index, event kind)
    o = opened(t0, 3)
    a = ev("acknowledged", t0 + 60)
    c = ev("contacted", t0 + 120, channel="phone")
    invalid = [
        ("empty_log", [], 0, "?"),
        ("starts_without_opened", [a], 0, "acknowledged"),
        ("opened_twice", [o, o], 1, "opened"),
        ("contact_before_acknowledged", [o, ev("contacted", t0 + 60, channel="phone")], 1,
         "contacted"),
        ("out_of_time_order", [o, a, ev("contacted", t0 + 30, channel="phone")], 2, "contacted"),
        ("accept_without_proposal", [o, a, c, ev("solution_accepted", t0 + 200)], 3,
         "solution_accepted"),
        ("executed_before_accepted", [o, a, c, ev("solution_proposed", t0 + 130, items=items(100)),
                                      ev("executed", t0 + 140)], 4, "executed"),
        ("followed_up_before_executed", [o, a, c, ev("followed_up", t0 + 140)], 3, "followed_up"),
        ("investigated_before_contact", [o, a, ev("investigated", t0 + 90,
                                                  responsibility="company")], 2, "investigated"),
        ("converted_without_promoter_rerating", [o, a, c, ev("rerated", t0 + 130, score=8),
                                                 ev("closed", t0 + 140, outcome="converted")], 4,
         "closed"),
        ("event_after_close", [o, a, ev("closed", t0 + 100, outcome="lost"), c], 3, "contacted"),
        ("closed_twice", [o, ev("closed", t0 + 100, outcome="lost"),
                          ev("closed", t0 + 110, outcome="lost")], 2, "closed"),
        ("reviewed_before_closed", [o, ev("reviewed", t0 + 100)], 1, "reviewed"),
        ("nothing_after_reviewed", [o, ev("closed", t0 + 100, outcome="lost"),
                                    ev("reviewed", t0 + 110), ev("rerated", t0 + 120, score=9)], 3,
         "rerated"),
        ("unknown_field", [o, dict(a, note="x")], 1, "acknowledged"),
        ("missing_field", [o, a, {"kind": "contacted", "at": iso(t0 + 120)}], 2, "contacted"),
        ("bad_channel", [o, a, dict(c, channel="fax")], 2, "contacted"),
        ("naive_instant", [o, {"kind": "acknowledged", "at": "2025-06-13T09:05:00"}], 1,
         "acknowledged"),
        ("unknown_kind", [o, {"kind": "escalated", "at": iso(t0 + 60)}], 1, "escalated"),
        ("score_out_of_range", [dict(o, score=11)], 0, "opened"),
        ("recovered_without_contact", [o, a, ev("closed", t0 + 100, outcome="recovered")], 2,
         "closed"),
    ]
    invalid = [{"name": n, "events": e, "index": i, "event": k} for n, e, i, k in invalid]

    # ---- re-rating kept next to the original score
    rerated = {"events": full, "original_score": 2, "rerated_score": 10, "outcome": "converted"}

    # ---- ranking of open cases at now
    now = ts("2025-06-14T12:00:00+08:00")
    rank_cases = [
        {"id": "r1", "events": [opened(now - 2 * H, 2), a | {"at": iso(now - 2 * H + 60)}],
         "value": 100000.0},
        {"id": "r2", "events": [opened(now - 10 * H, 5)], "value": 100000.0},
        {"id": "r3", "events": [opened(now - 30 * H, 4)], "value": 300000.0},
        {"id": "r4", "events": [opened(now - 30 * H, 6), ev("acknowledged", now - 29 * H),
                                ev("contacted", now - 27 * H, channel="phone")],
         "value": 50000.0},
        {"id": "r5", "events": [opened(now - 5 * H, 3), ev("closed", now - H, outcome="lost")],
         "value": 999999.0},
        {"id": "r0", "events": [opened(now - 6 * H, 0)], "value": 100000.0},
    ]
    ranked = []
    for i, rc in enumerate(rank_cases):
        s = replay(rc["events"])
        if s["outcome"] is not None:
            continue
        contact = s["contact"] if s["contact"] is not None else now
        b = speed_band(s["opened"], contact)
        p = SPEED[b][1]
        ranked.append({"index": i, "case_id": rc["id"], "band": b, "probability": p,
                       "expected": p * rc["value"]})
    ranked.sort(key=lambda r: (-r["expected"], r["case_id"]))

    business_policy = {
        "calendar": {"tz": "Asia/Shanghai", "weekly": {
            d: [["09:00", "17:00"]] for d in ["mon", "tue", "wed", "thu", "fri"]}},
        "recovery": {
            "steps": [{"name": n, "from": {"unit": "business", "seconds": a * H},
                       **({"to": {"unit": "business", "seconds": b * H}} if b is not None else {})}
                      for n, a, b, _ in STEPS],
            "success_by_speed": [{"within": {"unit": "wall", "seconds": 6 * H}, "success": 0.85},
                                 {"within": {"unit": "wall", "seconds": 24 * H}, "success": 0.65},
                                 {"success": 0.40}]},
    }
    out = {
        "version": 1,
        "generator": "tests/golden/gen_cases_vectors.py",
        "business_policy_top": business_policy,
        "month": {"cases": month, "stats": stats([c["events"] for c in month]),
                  "source_example": {"low_scores": 25, "launched": 25, "responded_24h": 24,
                                     "recovered": 17, "converted": 7, "lost": 8}},
        "programme": {"cases": allc, "stats": stats([c["events"] for c in allc]),
                      "by_dealer": by_dealer, "by_month": by_month, "tz": "Asia/Shanghai"},
        "status": status_vectors,
        "invalid": invalid,
        "rerated": rerated,
        "ranking": {"now": now, "cases": rank_cases, "expected": ranked},
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases_vectors.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False, sort_keys=False)
        f.write("\n")


if __name__ == "__main__":
    main()
