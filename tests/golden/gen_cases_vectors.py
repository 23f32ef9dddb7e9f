#!/usr/bin/env python3
"""Golden vectors for recovery cases and programme analytics (SPEC §4.5).

Independent stdlib oracle (never imports nps). Writes
tests/golden/cases_vectors.json; deterministic. See tests/golden/README.md
("cases_vectors.json") for the schema.

Rules encoded here, from the SPEC and the issue:
- six steps, windows from the opening instant: 0-2, 2-4, 4-8, 8-12, 12-24 h,
  after 72 h, completed by acknowledged, first contacted, investigated,
  first solution_accepted, execution_started (else executed: a log without
  the start counts the delivery), reviewed; step 5 is judged on the start of
  execution ("24小时内启动", seed 003);
- follow-up: its own window from the delivery (executed), 3 to 7 days
  (seed 003: delivered on day 7, called back on day 10; seed 001 §二.3:
  satisfaction call 3-7 days after the service);
- step state: done / done_late (completed after the window end), late (not
  done, now past the end), due (window started), pending;
- programme: low scores = original score 0-6; every rate over low scores;
  responded within 24 h inclusive; speed bands <= 6 h (85 %), <= 24 h (65 %),
  > 24 h (40 %); compensation bands none, <= 500, <= 2000, <= 5000, > 5000 CNY
  (the tier caps); apology channel = the strongest channel of all contacts
  (visit > video > phone > message; seed 003: visits 82 % vs phone 55 %),
  or the first contact's with channel_rule "first_contact"; compensation
  against expectation: none (nothing accepted), standard, over_expectation
  (an accepted package marked so, or whose total exceeds the customer's
  stated expectation; seed 003: 78 % vs 55 %).
- layers (seed 003, Mr Wang's package): the free 1,800 service is problem
  repair (问题修复: 本次保养费用全免 1800元); washes 300, warranty voucher
  2000 and the 500 voucher are loss compensation (损失补偿).
"""
import datetime as dt
import json
import os

CST = dt.timezone(dt.timedelta(hours=8))
H = 3600
STEPS = [("identify_and_grade", 0, 2, "acknowledged"), ("first_contact", 2, 4, "contacted"),
         ("investigation", 4, 8, "investigated"), ("solution", 8, 12, "solution_accepted"),
         ("execution_and_follow_up", 12, 24, "execution_started"), ("review", 72, None, "reviewed")]
DAY = 86400
FOLLOW_UP = (3 * DAY, 7 * DAY)  # from the delivery (executed)
STRENGTH = {"visit": 4, "video": 3, "phone": 2, "message": 1}
CHANNELS = ["visit", "video", "phone", "message"]  # strongest first
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


def items(*yuan, layers=None):
    layers = layers or ["loss_compensation"] * len(yuan)
    return [{"value": y * 100, "currency": "CNY", "layer": lay} for y, lay in zip(yuan, layers)]


def wang_items():
    """Mr Wang's package (seed 003): 问题修复 本次保养费用全免 1800元; 损失补偿
    3次免费洗车券 300元, 延保8折券 ~2000元, 500元精品抵用券."""
    return items(1800, 300, 2000, 500, layers=["problem_repair", "loss_compensation",
                                               "loss_compensation", "loss_compensation"])


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
    s = {"opened": None, "ack": None, "contact": None, "channel": None, "strongest": None,
         "inv": None, "accepted": None, "started": None, "executed": None, "followed": None,
         "reviewed": None, "rerated": None, "outcome": None, "proposals": []}
    for e in events:
        t = ts(e["at"])
        k = e["kind"]
        if k == "opened":
            s.update(opened=t, score=e["score"], reason=e["reason"], dealer=e.get("dealer"),
                     hv=e["high_value"], por=e["public_opinion_risk"])
        elif k == "acknowledged":
            s["ack"] = t
        elif k == "contacted":
            if s["contact"] is None:
                s["contact"], s["channel"] = t, e["channel"]
            if s["strongest"] is None or STRENGTH[e["channel"]] > STRENGTH[s["strongest"]]:
                s["strongest"] = e["channel"]
        elif k == "investigated":
            s["inv"] = t
        elif k == "solution_proposed":
            total = sum(i["value"] for i in e["items"])
            over = e.get("over_expectation", False)
            if e.get("expectation") is not None:
                over = total > e["expectation"]
            if s["proposals"] and s["proposals"][-1][1] is None:
                s["proposals"][-1] = [total, None, over]
            else:
                s["proposals"].append([total, None, over])
        elif k == "solution_accepted":
            s["proposals"][-1][1] = t
            if s["accepted"] is None:
                s["accepted"] = t
        elif k == "execution_started":
            s["started"] = t
        elif k == "executed":
            s["executed"] = t
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
    started = s["started"] if s["started"] is not None else s["executed"]
    done = {"acknowledged": s["ack"], "contacted": s["contact"], "investigated": s["inv"],
            "solution_accepted": s["accepted"], "execution_started": started,
            "reviewed": s["reviewed"]}

    def step(name, start, due, c):
        c = c if c is not None and c <= now else None
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
        return {"name": name, "start": start, "due": due, "completed_at": c,
                "state": st, "late_seconds": late}

    steps = []
    for name, a, b, by in STEPS:
        start = add(s["opened"], a * H)
        due = None if b is None else add(s["opened"], b * H)
        steps.append(step(name, start, due, done[by]))
    current = next((x["name"] for x in steps if x["completed_at"] is None), None)
    follow_up = None
    if s["executed"] is not None and s["executed"] <= now:
        # Wall-clock days in every policy of these vectors.
        follow_up = step("follow_up", s["executed"] + FOLLOW_UP[0], s["executed"] + FOLLOW_UP[1],
                         s["followed"])
    granted, approvals = 0, []
    cap = tier_cap(s)
    # The packages as they stood at `now`: replay the events up to `now`.
    for total, acc, _ in replay([e for e in events if ts(e["at"]) <= now])["proposals"]:
        approvals.append({"total": total, "within_cap": cap is not None and granted + total <= cap})
        if acc is not None:
            granted += total
    return {"current_step": current, "steps": steps, "follow_up": follow_up,
            "approvals": approvals,
            "deadlines": deadlines(s, now) if add is wall_add else None}


def rate(n, d):
    return {"value": (n / d) if d else None, "numerator": n, "denominator": d}


def speed_band(opened_at, contact):
    for i, (w, _) in enumerate(SPEED):
        if w is None or contact - opened_at <= w:
            return i
    return len(SPEED) - 1


def stats(logs, top=5, channel_rule="strongest"):
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
        total = sum(t for t, acc, _ in s["proposals"] if acc is not None)
        if total == 0:
            return 0
        for i, c in enumerate(CAPS):
            if total <= c:
                return 1 + i
        return 1 + len(CAPS)

    def expectation_key(s):
        acc = [over for _, a, over in s["proposals"] if a is not None]
        return 0 if not acc else 2 if any(acc) else 1

    chan = "strongest" if channel_rule == "strongest" else "channel"
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
        "by_channel": bands(lambda s: CHANNELS.index(s[chan]) if s[chan] else -1, CHANNELS),
        "by_expectation": bands(expectation_key, ["none", "standard", "over_expectation"]),
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
    channels = ["visit", "phone", "message", "phone", "video"]
    comps = [None, (300,), (1500,), (1800, 300, 2000, 500), (6000,), (200, 200)]
    # how each package stands against the customer's expectation: stated
    # 2000 (1500 is standard), stated 3000 (4600 is over), marked over
    expect = [None, None, {"expectation": 200000}, {"expectation": 300000},
              {"over_expectation": True}, None]
    logs = []
    for i in range(25):
        t0 = ts(f"2025-06-{1 + i:02d}T10:00:00+08:00")
        score = [2, 5, 6, 3, 4, 0, 1][i % 7]
        d = "D1" if i % 3 else "D2"
        e = [opened(t0, score, reasons[i], dealer=d, hv=(i % 5 == 0)),
             ev("acknowledged", t0 + 600)]
        tc = t0 + int(delays[i] * H)
        e.append(ev("contacted", tc, channel=channels[i % 5]))
        if i % 4 == 1:
            # phoned (or written to) first, visited later: the visit counts
            e.append(ev("contacted", tc + 1800, channel="visit"))
        t = tc
        if outcomes[i] != "lost" or i % 2 == 0:
            t += H
            e.append(ev("investigated", t, responsibility=["company", "shared", "customer"][i % 3]))
        comp = comps[i % 6]
        if comp is not None and outcomes[i] != "lost":
            t += H
            pkg = wang_items() if len(comp) == 4 else items(*comp)
            e.append(ev("solution_proposed", t, items=pkg, **(expect[i % 6] or {})))
            t += H
            e.append(ev("solution_accepted", t))
            if i % 3 == 0:
                t += H
                e.append(ev("execution_started", t))
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


def showcase():
    """The source's two showcase cases (seed 003), phoned first and visited
    later. Mr Wang: alert 17:00, phone 17:30, root cause and second call with
    the package at 20:00 (accepted), apology visit 21:00; execution starts
    day 2 09:00 (courtesy car, car into the body shop); delivered day 7,
    re-rated 10; follow-up call day 10. Ms Li (案例1): alert 15:30, phone
    16:00, solution by phone 20:00 (service fee waived 2200, washes, the
    manager picks up her child: over expectation, 超预期补偿), the manager
    comes in person on day 2 16:00; re-rated 10 on day 3."""
    d1 = ts("2023-03-14T17:00:00+08:00")
    wang = [opened(d1, 2, "waiting_time", dealer="Beijing"), ev("acknowledged", d1 + 600),
            ev("contacted", d1 + 1800, channel="phone"),
            ev("investigated", d1 + 3 * H, responsibility="company"),
            ev("contacted", d1 + 3 * H, channel="phone"),
            ev("solution_proposed", d1 + 3 * H, items=wang_items()),
            ev("solution_accepted", d1 + 3 * H),
            ev("contacted", d1 + 4 * H, channel="visit"),
            ev("execution_started", d1 + 16 * H),          # day 2 09:00
            ev("executed", d1 + 6 * DAY - 2 * H),          # day 7 15:00
            ev("rerated", d1 + 6 * DAY - H, score=10),     # day 7 16:00
            ev("followed_up", d1 + 9 * DAY - H),           # day 10 16:00
            ev("closed", d1 + 9 * DAY - H + 300, outcome="converted")]
    l1 = ts("2023-03-20T15:30:00+08:00")
    li = [opened(l1, 4, "waiting_time", dealer="Beijing"), ev("acknowledged", l1 + 300),
          ev("contacted", l1 + 1800, channel="phone"),
          ev("contacted", l1 + 4.5 * H, channel="phone"),
          ev("solution_proposed", l1 + 4.5 * H, over_expectation=True,
             items=items(2200, 300, 0, layers=["problem_repair", "loss_compensation",
                                                "emotional_repair"])),
          ev("solution_accepted", l1 + 4.5 * H),
          ev("contacted", l1 + DAY + 0.5 * H, channel="visit"),   # day 2 16:00
          ev("rerated", l1 + 2 * DAY, score=10),
          ev("closed", l1 + 2 * DAY + 600, outcome="converted")]
    for e in wang + li:
        e["at"] = iso(ts(e["at"]))
    cases = [{"id": "wang", "events": wang}, {"id": "li", "events": li}]
    now = d1 + 9 * DAY
    st = status(wang, now, wall_add)
    # Before: step 5 was completed by the follow-up, due 72 h after the alert.
    old_late = ts(wang[-2]["at"]) - (d1 + 72 * H)
    return {
        "cases": cases,
        "stats": stats([c["events"] for c in cases]),
        "stats_first_contact": stats([c["events"] for c in cases], channel_rule="first_contact"),
        "status": {"id": "wang", "now": now, **st},
        "old_rule_late_seconds": old_late,
    }


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
            ev("solution_proposed", t0 + 10 * H, items=wang_items()),
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
        ("execution_started_before_accepted", [o, a, c, ev("execution_started", t0 + 140)], 3,
         "execution_started"),
        ("execution_started_twice", [o, a, c, ev("solution_proposed", t0 + 130, items=items(100)),
                                     ev("solution_accepted", t0 + 135),
                                     ev("execution_started", t0 + 140),
                                     ev("execution_started", t0 + 150)], 6, "execution_started"),
        ("execution_started_after_executed", [o, a, c,
                                              ev("solution_proposed", t0 + 130, items=items(100)),
                                              ev("solution_accepted", t0 + 135),
                                              ev("executed", t0 + 140),
                                              ev("execution_started", t0 + 150)], 6,
         "execution_started"),
        ("over_expectation_contradicts_expectation",
         [o, a, c, ev("solution_proposed", t0 + 130, items=items(100), over_expectation=True,
                      expectation=20000)], 3, "solution_proposed"),
        ("negative_expectation",
         [o, a, c, ev("solution_proposed", t0 + 130, items=items(100), expectation=-1)], 3,
         "solution_proposed"),
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
        "showcase": showcase(),
        "month_first_contact": stats([c["events"] for c in month], channel_rule="first_contact"),
        "defaults": {
            "stats_options": {"top_reasons": 5, "channel_rule": "strongest"},
            "execution_step": {"name": "execution_and_follow_up", "from": 12 * H, "to": 24 * H},
            "follow_up": {"from": FOLLOW_UP[0], "to": FOLLOW_UP[1]},
            "channels": CHANNELS,
            "expectation_bands": ["none", "standard", "over_expectation"],
        },
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases_vectors.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False, sort_keys=False)
        f.write("\n")


if __name__ == "__main__":
    main()
