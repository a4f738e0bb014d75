"""The incident category code tree (类别/类型/细类) shipped with the console, with search keys."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from .errors import ValidationError


@dataclass(frozen=True)
class CategoryDef:
    code: str
    parent_code: str | None
    level: int
    name_zh: str
    name_en: str
    default_priority: int = 2  # 1 urgent, 2 normal, 3 routine
    needs_reinforcement: bool = False


def _c(code: str, zh: str, en: str, prio: int = 2, reinf: bool = False) -> CategoryDef:
    # Codes are two digits per level: "02" public order, "0203" fight, "020301" group fight.
    level = len(code) // 2
    parent = code[:-2] if level > 1 else None
    return CategoryDef(code, parent, level, zh, en, prio, reinf)


CATEGORIES: tuple[CategoryDef, ...] = (
    _c("01", "刑事", "Criminal", 1),
    _c("0101", "盗窃", "Theft", 2),
    _c("010101", "入室盗窃", "Burglary", 1),
    _c("010102", "盗窃电动车", "E-bike theft", 2),
    _c("010103", "扒窃", "Pickpocketing", 2),
    _c("010104", "盗窃车内财物", "Theft from vehicle", 2),
    _c("0102", "抢劫", "Robbery", 1, True),
    _c("0103", "抢夺", "Snatching", 1),
    _c("0104", "诈骗", "Fraud", 2),
    _c("010401", "电信网络诈骗", "Telecom fraud", 2),
    _c("010402", "接触型诈骗", "Face-to-face fraud", 2),
    _c("0105", "故意伤害", "Assault causing injury", 1, True),
    _c("0106", "故意损毁财物", "Criminal damage", 2),
    _c("02", "治安", "Public order", 2),
    _c("0201", "殴打他人", "Battery", 1),
    _c("0202", "打架斗殴", "Fight", 1, True),
    _c("020201", "聚众斗殴", "Group fight", 1, True),
    _c("0203", "寻衅滋事", "Picking quarrels", 1),
    _c("0204", "赌博", "Gambling", 2),
    _c("0205", "涉黄", "Prostitution", 2),
    _c("0206", "醉酒滋事", "Drunken disorder", 2),
    _c("0207", "噪声扰民", "Noise nuisance", 3),
    _c("0208", "可疑人员", "Suspicious person", 2),
    _c("03", "治安灾害事故", "Public-order accident", 1),
    _c("0301", "坠楼", "Fall from height", 1, True),
    _c("0302", "溺水", "Drowning", 1, True),
    _c("0303", "触电", "Electrocution", 1),
    _c("0304", "燃气泄漏", "Gas leak", 1, True),
    _c("04", "交通", "Traffic", 2),
    _c("0401", "交通事故", "Traffic accident", 2),
    _c("040101", "交通事故（伤人）", "Accident with injuries", 1, True),
    _c("040102", "交通事故（财损）", "Damage-only accident", 2),
    _c("0402", "交通堵塞", "Congestion", 3),
    _c("0403", "违法停车", "Illegal parking", 3),
    _c("0404", "酒驾", "Drink driving", 1),
    _c("05", "火灾", "Fire", 1, True),
    _c("0501", "建筑火灾", "Building fire", 1, True),
    _c("0502", "车辆火灾", "Vehicle fire", 1),
    _c("0503", "其他火情", "Other fire", 2),
    _c("06", "纠纷", "Dispute", 2),
    _c("0601", "家庭纠纷", "Family dispute", 2),
    _c("060101", "家庭暴力", "Domestic violence", 1),
    _c("0602", "邻里纠纷", "Neighbour dispute", 2),
    _c("0603", "经济纠纷", "Money dispute", 3),
    _c("0604", "劳资纠纷", "Wage dispute", 2),
    _c("0605", "消费纠纷", "Consumer dispute", 3),
    _c("0606", "交通纠纷", "Traffic dispute", 2),
    _c("0607", "物业纠纷", "Property-management dispute", 3),
    _c("07", "求助", "Help request", 2),
    _c("0701", "走失", "Missing person", 1),
    _c("070101", "老人走失", "Missing elderly person", 1),
    _c("070102", "儿童走失", "Missing child", 1, True),
    _c("0702", "开锁求助", "Locked out", 3),
    _c("0703", "急病求助", "Medical help", 1),
    _c("0704", "轻生", "Suicide risk", 1, True),
    _c("0705", "物品遗失", "Lost property", 3),
    _c("0706", "其他求助", "Other help", 3),
    _c("08", "举报投诉", "Report or complaint", 3),
    _c("0801", "举报违法犯罪线索", "Crime tip-off", 2),
    _c("0802", "投诉", "Complaint", 3),
    _c("09", "其他", "Other", 3),
    _c("0901", "咨询", "Enquiry", 3),
    _c("0902", "其他警情", "Other incident", 3),
    _c("10", "无效警情", "Invalid call", 3),
    _c("1001", "骚扰电话", "Nuisance call", 3),
    _c("1002", "误拨", "Misdial", 3),
)

CHANNELS: dict[str, tuple[str, str]] = {
    "110": ("110报警", "110 call"),
    "122": ("122交通", "122 traffic"),
    "119": ("119火警", "119 fire"),
    "walk_in": ("来所报警", "Walk-in"),
    "phone": ("电话报警", "Phone"),
    "video": ("视频预警", "Video alert"),
    "patrol": ("巡逻发现", "Patrol discovery"),
}
# What a clerk types for a channel instead of its full label (电话 for 电话报警).
CHANNEL_SHORT: dict[str, str] = {
    "110报警": "110", "122报警": "122", "交通": "122", "交通报警": "122", "119报警": "119",
    "火警": "119", "来所": "walk_in", "到所": "walk_in", "来所报案": "walk_in", "到所报警": "walk_in",
    "上门报警": "walk_in", "电话": "phone", "来电": "phone", "电话报案": "phone", "视频": "video",
    "视频报警": "video", "巡逻": "patrol", "巡查发现": "patrol", "巡逻报警": "patrol",
}


@cache
def by_code() -> dict[str, CategoryDef]:
    return {c.code: c for c in CATEGORIES}


def top_level(code: str) -> str:
    return code[:2]


def full_name_zh(code: str) -> str:
    """'纠纷/家庭纠纷/家庭暴力' for '060101'."""
    table = by_code()
    parts = [table[code[: i * 2]].name_zh for i in range(1, len(code) // 2 + 1) if code[: i * 2] in table]
    return "/".join(parts)


# What a clerk writes between the levels of a path: 刑事/盗窃/入室盗窃, 刑事／盗窃, 刑事 > 盗窃.
_SEPARATOR = re.compile(r"\s*[/／>＞]\s*")
_MAX_CANDIDATES = 8  # paths listed when a name is ambiguous; a longer list is counted


def path_parts(value: str) -> list[str]:
    """'刑事 > 盗窃／入室盗窃' as ['刑事', '盗窃', '入室盗窃']; one part for a bare name or code."""
    return [p for p in _SEPARATOR.split(value.strip()) if p]


def chain(code: str, table: dict[str, CategoryDef]) -> list[CategoryDef]:
    """The category and its ancestors, top level first (by parent code, so any tree works)."""
    out: list[CategoryDef] = []
    current = table.get(code)
    while current is not None and len(out) < 16:  # a parent cycle in a hand-edited tree ends here
        out.append(current)
        current = table.get(current.parent_code) if current.parent_code else None
    return out[::-1]


def path_name(code: str, table: dict[str, CategoryDef]) -> str:
    """'纠纷/家庭纠纷/家庭暴力': the category's full path in the given tree."""
    return "/".join(c.name_zh for c in chain(code, table)) or code


def lookup(value: str, tree: Iterable[CategoryDef]) -> CategoryDef:
    """The one category a clerk means by a code (0601), a name unique in the tree (家庭纠纷) or a
    path (纠纷/家庭纠纷; enough of it to tell: 盗窃/其他). A name or path several categories
    share is refused listing each one's full path and code, so the clerk can pick."""
    table = {c.code: c for c in tree}
    v = (value or "").strip()
    if not v:
        raise ValidationError("is required", field="category_code")
    if v in table:
        return table[v]
    parts = path_parts(v)
    label = "/".join(parts)
    # A label as the intake dialog shows it, '0601  纠纷/家庭纠纷', names its code first.
    head, _, rest = v.partition(" ")
    if head in table and rest.strip() and path_name(head, table).endswith("/".join(path_parts(rest))):
        return table[head]
    matches = [c for c in table.values() if _ends_with(chain(c.code, table), parts)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        matches.sort(key=lambda c: c.code)
        shown = "; ".join(f"{path_name(c.code, table)} ({c.code})" for c in matches[:_MAX_CANDIDATES])
        if len(matches) > _MAX_CANDIDATES:
            shown += f"; … +{len(matches) - _MAX_CANDIDATES}"  # no words: it reads in either language
        raise ValidationError(f"'{label}' is {len(matches)} categories: write the path or the code "
                              f"of one ({shown})", field="category_code")
    near = sorted((c for c in table.values() if parts and parts[-1] == c.name_zh),
                  key=lambda c: c.code)
    if near:  # the name exists, under other parents than the path gives
        shown = "; ".join(f"{path_name(c.code, table)} ({c.code})" for c in near[:_MAX_CANDIDATES])
        raise ValidationError(f"'{label}' is not a category path; '{parts[-1]}' is {shown}",
                              field="category_code")
    last = parts[-1] if parts else v
    alike = sorted((c for c in table.values() if len(c.name_zh) >= 2 and len(last) >= 2
                    and (c.name_zh in last or last in c.name_zh)), key=lambda c: (c.level, c.code))
    if alike:  # a name with a word more or less (打架斗殴殴打 for 打架斗殴, 盗窃电动 for 盗窃电动车)
        shown = "; ".join(f"{path_name(c.code, table)} ({c.code})" for c in alike[:_MAX_CANDIDATES])
        raise ValidationError(f"'{value}' is not a category code or name; the nearest: {shown}",
                              field="category_code")
    raise ValidationError(f"'{value}' is not a category code or name", field="category_code")


def _ends_with(path: list[CategoryDef], parts: list[str]) -> bool:
    """True when the last part is the category and the others its ancestors, top first, each by
    name or code; a level may be left out (刑事/入室盗窃, or a ledger whose 警情类型 is blank)."""
    if not parts or not path or parts[-1] not in (path[-1].name_zh, path[-1].code):
        return False
    above = iter(path[:-1])
    return all(any(p in (c.name_zh, c.code) for c in above) for p in parts[:-1])


def pinyin_initials(text: str) -> str:
    """'jtjf' for '家庭纠纷': what a dispatcher types to find a category fast."""
    # Imported on first use: pypinyin's phrase tables cost ~57 MB, which a ledger export or a
    # command-line verb that never searches categories should not pay.
    from pypinyin import Style, lazy_pinyin

    return "".join(p[0] for p in lazy_pinyin(text, style=Style.FIRST_LETTER) if p).lower()


def search(query: str, categories: tuple[CategoryDef, ...] = CATEGORIES) -> list[CategoryDef]:
    """Categories whose code, Chinese name, English name or pinyin initials match the query."""
    q = query.strip().lower()
    if not q:
        return list(categories)
    if len(path_parts(q)) > 1:  # a path typed (刑事/盗窃, 盗窃>其他): the categories it names
        table = {c.code: c for c in categories}
        parts = path_parts(query)
        found = [c for c in categories if _ends_with(chain(c.code, table), parts)]
        if not found:  # a path typed part-way (刑事/盗): the last part begins a name
            found = [c for c in categories
                     if _ends_with(chain(c.code, table)[:-1], parts[:-1]) and c.name_zh.startswith(parts[-1])]
        return sorted(found, key=lambda c: (c.level, c.code))
    scored: list[tuple[int, CategoryDef]] = []
    for c in categories:
        initials = pinyin_initials(c.name_zh)
        if c.code == q or initials == q:
            rank = 0
        elif c.code.startswith(q) or initials.startswith(q) or c.name_zh.startswith(q):
            rank = 1
        elif q in c.name_zh or q in initials or q in c.name_en.lower():
            rank = 2
        else:
            continue
        scored.append((rank * 10 + c.level, c))
    scored.sort(key=lambda item: (item[0], item[1].code))
    return [c for _rank, c in scored]
