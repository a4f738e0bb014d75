"""Plausible Chinese names, phone and ID numbers, streets and compounds for the demo precinct."""

from __future__ import annotations

import random
from datetime import date

# Most common surnames (roughly by frequency) and given-name characters.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建红斌波宇浩凯健俊帆帅旭宁龙林欣晨阳"
    "佳雪婷琳雨博文睿思子轩梓涵一诺浩然梦瑶志国海峰永庆国强春梅淑珍"
)

STREETS = (
    "人民路", "解放路", "建设路", "胜利街", "文化路", "光明街", "新华路", "和平街", "中山路",
    "朝阳路", "幸福大街", "北关街", "南门街", "东风路", "西环路", "体育路", "工农路", "长青街",
    "育才路", "青年路", "迎宾大道", "站前街", "府前街", "鼓楼大街",
)
COMPOUND_HEADS = (
    "幸福", "和平", "锦绣", "翠苑", "金桥", "阳光", "紫荆", "康乐", "丽景", "怡和", "新城", "华庭",
    "绿洲", "御景", "枫林", "长安", "明珠", "春晖", "书香", "东润", "嘉禾", "瑞祥", "泰和", "盛世",
    "龙湖", "馨园", "逸品", "清华", "文苑", "铁路", "纺织厂", "机械厂", "供电局", "粮食局",
)
COMPOUND_TAILS = ("小区", "家园", "花园", "新村", "里", "公寓", "苑", "社区", "宿舍")

DISTRICT_NAMES = ("东关", "西街", "南湖", "北苑")
DIGITS_ZH = "〇一二三四五六七八九十"


def zh_number(n: int) -> str:
    """1..99 in Chinese numerals: 十二, 二十."""
    if n <= 10:
        return DIGITS_ZH[n]
    tens, ones = divmod(n, 10)
    return (DIGITS_ZH[tens] if tens > 1 else "") + "十" + (DIGITS_ZH[ones] if ones else "")


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def mobile(rng: random.Random) -> str:
    prefix = rng.choice(("130", "131", "133", "135", "136", "137", "138", "139", "150", "151",
                         "152", "155", "158", "159", "166", "176", "177", "180", "181", "186",
                         "187", "188", "189", "199"))
    return prefix + f"{rng.randrange(10**8):08d}"


def landline(rng: random.Random) -> str:
    return f"010-{rng.randrange(6000_0000, 8999_9999)}"


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_number(rng: random.Random, *, born_from: int = 1965, born_to: int = 2000) -> str:
    """An 18-digit resident ID number with a valid check digit (GB 11643)."""
    region = rng.choice(("110101", "110102", "110105", "110106", "110108"))
    born = date(rng.randint(born_from, born_to), rng.randint(1, 12), rng.randint(1, 28))
    body = f"{region}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + _ID_CHECK[sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


def compound_names(rng: random.Random, n: int) -> list[str]:
    """n distinct residential compound names."""
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        name = rng.choice(COMPOUND_HEADS) + rng.choice(COMPOUND_TAILS)
        if name in seen:
            name = name + zh_number(sum(1 for s in seen if s.startswith(name)) + 1) + "期"
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out
