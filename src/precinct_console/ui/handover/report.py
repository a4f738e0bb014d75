"""The handover report as HTML for the screen, the printer and the PDF (one layout for all three)."""

from __future__ import annotations

from html import escape
from typing import Any

from ...domain.allocation.visits import CLASH_MARK
from ...domain.clock import local
from ...services.handover import HandoverView, duty_keeping
from ...services.ledgers.lookups import TASK_STATUS_ZH


def _hm(dt: Any) -> str:
    return local(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


NOWRAP = " style='white-space:nowrap'"


def _table(headers: list[str], rows: list[list[str]], empty: str, *, marks: list[bool] | None = None) -> str:
    if not rows:
        return f"<p class='none'>{escape(empty)}</p>"
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for i, r in enumerate(rows):
        cls = " class='bad'" if marks and marks[i] else ""
        # The first column is an incident or task number or a call sign: broken over two lines
        # on paper ("20261207-00" / "67"), it reads as two numbers.
        body.append(f"<tr{cls}>" + "".join(
            f"<td{NOWRAP if j == 0 else ''}>{escape(str(c))}</td>" for j, c in enumerate(r)) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def handover_html(v: HandoverView, station_name: str = "") -> str:
    c = v.content
    by_cat = "，".join(f"{escape(k)} {n}" for k, n in (c.get("by_category") or {}).items()) or "—"
    opens = c.get("open_incidents", [])
    breaches = c.get("breaches", [])
    tasks = c.get("pending_tasks", [])
    notable = c.get("notable", [])
    parts = [
        "<style>body{font-family:'Microsoft YaHei','Noto Sans CJK SC',sans-serif;font-size:11pt}"
        "h1{font-size:17pt;margin:0}h2{font-size:13pt;margin:14px 0 4px 0;border-bottom:1px solid #999}"
        "table{border-collapse:collapse;width:100%}th,td{border:1px solid #aaa;padding:3px 6px;text-align:left}"
        "th{background:#eee}.bad td{color:#D55E00;font-weight:bold}.none{color:#777}"
        ".sign td{border:none;padding:10px 6px;font-size:12pt}</style>",
        f"<h1>{escape(station_name)} 交接班报告</h1>",
        f"<p>班次 {_hm(v.shift_start)} — {_hm(v.shift_end)} · 生成于 {_hm(v.created_at)}</p>",
        f"<p>本班接警 <b>{c.get('received', 0)}</b> 起，已归档 <b>{c.get('closed', 0)}</b> 起；"
        f"类别：{by_cat}</p>",
    ]
    if c.get("unacknowledged_alerts"):
        parts.append("<p class='bad'><b>✖ 仍有未确认的超时告警</b></p>")
    parts += [
        f"<h2>未结警情（{len(opens)}）</h2>",
        _table(["编号", "接警", "类别", "地址", "状态", "处警单位"],
               [[o["number"], o["time"], o["category"], o["address"], o["status"], o["units"]] for o in opens],
               "无未结警情"),
        f"<h2>超时（{len(breaches)}）</h2>",
        _table(["编号", "指标", "超时", "地址"],
               [[b["number"], b["target"], f"{b['over_s'] // 60}分{b['over_s'] % 60:02d}秒", b["address"]]
                for b in breaches], "本班无超时", marks=[True] * len(breaches)),
        f"<h2>待办指令（{len(tasks)}）</h2>",
        _table(["编号", "事项", "状态", "截止"],
               [[t["number"], t["title"], TASK_STATUS_ZH.get(t["status"], t["status"]),
                 t["due"] + (" 已超时" if t["overdue"] else "")]
                for t in tasks], "无待办指令", marks=[bool(t["overdue"]) for t in tasks]),
        f"<h2>重要情况（{len(notable)}）</h2>",
        _table(["编号", "时间", "类别", "地址", "说明"],
               [[n["number"], n["time"], n["category"], n["address"], n["why"]] for n in notable],
               "无"),
    ]
    if "duties_missed" in c:  # reports compiled before duty alerts have none
        missed = c["duties_missed"]
        rate = duty_keeping(c)
        parts += [
            f"<h2>定时守点未按时到岗（{len(missed)}）</h2>",
            *([f"<p>{escape(rate)}</p>"] if rate else []),
            _table(["警组", "定时守点", "应到岗", "告警"],
                   [[m["unit"], m["duty"], m["due"] + (f"（{m['off']}）" if m.get("off") else ""),
                     "已确认" if m["acknowledged"] else "未确认"]
                    for m in missed],
                   # Nothing missed is not all kept where no live position judged a duty.
                   "本班定时守点均按时到岗" if rate or "duties_checked" not in c
                   else "本班无定时守点到岗核验", marks=[True] * len(missed)),
        ]
    if "deployment" in c:  # reports compiled before it was handed over have none
        deployment = c["deployment"]
        parts += [
            f"<h2>接班巡逻部署（{len(deployment)}）</h2>",
            _table(["警组", "巡逻点位", "定时守点"],
                   [[d["unit"], d["point"], d["duties"] or "—"] for d in deployment],
                   "无已采纳的巡逻布警方案"),
        ]
        if any(CLASH_MARK in d["duties"] for d in deployment):
            parts.append(f"<p class='none'>{CLASH_MARK} 同一时段另有守点任务，需另派警力</p>")
    if v.notes:
        parts += ["<h2>备注</h2>", f"<p>{escape(v.notes).replace(chr(10), '<br>')}</p>"]
    parts.append(
        "<table class='sign'><tr>"
        f"<td>交班人：{escape(v.outgoing_by) or '__________'} {_hm(v.outgoing_signed_at)}</td>"
        f"<td>接班人：{escape(v.incoming_by) or '__________'} {_hm(v.incoming_signed_at)}</td>"
        "</tr></table>"
    )
    return "".join(parts)
