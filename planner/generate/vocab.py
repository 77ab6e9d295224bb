"""Vocabularies of generated scenarios: catalogue titles, genres, topics and names.

The catalogues (book and board set kinds, troupe genres, lecturers' providers and topics,
trainers' skills), the themes older and younger committees favour, and the makers of
Chinese numerals, people's names and unique place names.
"""

from __future__ import annotations

import random

# -- catalogues ---------------------------------------------------------------------------

_BOOK_KINDS = (
    ("百年党史学习读本", "党史"),
    ("红色印记：上海革命遗址", "党史"),
    ("上海城市记忆", "上海历史"),
    ("江湾五角场百年", "上海历史"),
    ("少儿绘本精选（低幼）", "少儿绘本"),
    ("少儿绘本精选（学龄）", "少儿绘本"),
    ("健康养生百问", "健康养生"),
    ("中医四季养生", "健康养生"),
    ("中国文学名著", "文学名著"),
    ("外国文学名著", "文学名著"),
    ("科学普及读本", "科普"),
    ("国防教育读本", "国防军事"),
)
_BOARD_KINDS = (
    ("党史学习教育展", "党史学习教育"),
    ("垃圾分类新时尚", "垃圾分类"),
    ("防范电信网络诈骗", "防诈骗"),
    ("五角场今昔", "五角场今昔"),
    ("清明文明祭扫", "文明祭扫"),
    ("劳动最光荣：劳模风采", "劳模风采"),
)
# Outside Wujiaochang the local-history titles are generic.
_LOCAL_TITLES = {"江湾五角场百年": "海派文化漫谈", "五角场今昔": "社区今昔"}

_GENRES = ("沪剧", "越剧", "合唱", "舞蹈", "评弹", "民乐", "京剧", "朗诵")
_STAGE_GENRES = frozenset({"沪剧", "越剧", "京剧", "舞蹈"})
_TROUPE_SUFFIX = {
    "沪剧": "沪剧团",
    "越剧": "越剧队",
    "合唱": "合唱团",
    "舞蹈": "舞蹈队",
    "评弹": "评弹组",
    "民乐": "民乐队",
    "京剧": "京剧票友社",
    "朗诵": "朗诵队",
}
_REFERENCE_GENRES = ("沪剧", "越剧", "合唱", "舞蹈", "评弹", "民乐")
_REFERENCE_TROUPE_PREFIXES = ("五角场", "江湾", "国权", "政通", "四平", "翔殷")
# The culture festival gala draws these troupes away from committee shows.
_FESTIVAL_GENRES = ("合唱", "舞蹈", "沪剧")

_REFERENCE_LECTURERS = (
    ("复旦大学", ("党史", "上海历史")),
    ("上海财经大学", ("理财防骗", "法律常识")),
    ("海军军医大学", ("健康养生", "急救常识")),
    ("上海体育大学", ("科学健身", "运动康复")),
    ("同济大学", ("文学欣赏", "城市建筑")),
)
_PROVIDERS = (
    "复旦大学",
    "同济大学",
    "上海财经大学",
    "上海体育大学",
    "海军军医大学",
    "上海理工大学",
    "华东师范大学",
    "上海大学",
    "华东政法大学",
    "上海中医药大学",
    "社区卫生服务中心",
    "区图书馆",
)
_TOPICS = (
    "党史",
    "上海历史",
    "理财防骗",
    "法律常识",
    "健康养生",
    "急救常识",
    "科学健身",
    "运动康复",
    "文学欣赏",
    "城市建筑",
    "智能手机使用",
    "中医保健",
)
_TITLES = {
    "university": ("教授", "副教授", "讲师", "研究员"),
    "medical": ("教授", "主任医师", "副主任医师"),
    "library": ("研究馆员", "馆员"),
}
_SKILLS = ("健身舞蹈", "拳操", "太极", "广场舞", "瑜伽")

# Themes an older committee wishes for more often (and a younger one less).
_ELDERLY_THEMES = frozenset(
    {"健康养生", "中医保健", "急救常识", "智能手机使用", "太极", "拳操", "越剧", "沪剧", "评弹"}
)
_YOUNG_THEMES = frozenset({"少儿绘本", "科普", "瑜伽", "健身舞蹈", "科学健身", "舞蹈"})

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
    "肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢姜钟陆汪范金顾"
)
_GIVEN = (
    "伟芳敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚英华玉萍红玲"
    "芬燕彬鹏辉斌宇浩凯健俊帆旭宁琳晨欣怡佳雪梅莉倩婷颖慧"
)
_PLACE_TEXT = (
    "长阳 控江 国和 靖宇 民京 殷行 嫩江 开鲁 政立 黄兴 延吉 内江 松花 包头 鞍山 辽源 本溪 营口 "
    "抚顺 翔殷 淞沪 江湾 平凉 宁国 隆昌 眉州 定海 通北 丹阳 怀德 兰州 惠民 临青 河间 许昌 贵阳 "
    "昆明 荆州 沈阳 大连 长白 双阳 安波 民星 中原 闸殷 市光 国晓 伟德 锦西 梅园 桃浦 真如 曹杨 "
    "宜川 甘泉 石泉 长风 天山 仙霞 虹桥 田林 康健 龙华 斜土 枫林 天平 华阳 新华 凌云 长桥 华泾 "
    "古美 莘庄 七宝 梅陇 春申 金杨 洋泾 潍坊 塘桥 上钢 东明 三林 北蔡 花木 张江 高行 合庆 川沙 "
    "彭浦 临汾 大宁 共和 芷江 宝山 友谊 吴淞 淞南 庙行 大场 顾村 罗店 杨行 月浦 江宁 静安 曹家 "
    "南京 豫园 老西 外滩 瑞金 打浦 五里 半淞 欧阳 广中 嘉兴 提篮 北站 宝钢 新成 曲阳 泗塘 金桥"
)
_PLACE_WORDS = tuple(_PLACE_TEXT.split())
_COMMITTEE_SUFFIXES = ("路", "新村", "苑", "坊", "花园", "小区", "村", "里", "城")
_SUBDISTRICT_SUFFIXES = ("路街道", "街道", "新村街道", "镇")

# -- names --------------------------------------------------------------------------------

_DIGITS = "零一二三四五六七八九"


def _cn(n: int) -> str:
    """Chinese numeral for 1 ≤ n ≤ 99."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return f"{head}十{_DIGITS[ones] if ones else ''}"


def _title_kind(provider: str) -> str:
    if "医" in provider or "卫生" in provider:
        return "medical"
    if provider.endswith("图书馆"):
        return "library"
    return "university"


def _person(rng: random.Random) -> str:
    given = "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
    return rng.choice(_SURNAMES) + given


class _Names:
    """Unique generated Chinese place names."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def _first_free(self, candidates: list[str], base: str, suffix: str) -> str:
        for name in candidates:
            if name not in self.used:
                break
        else:
            k = 2
            while f"{base}{k}号{suffix}" in self.used:
                k += 1
            name = f"{base}{k}号{suffix}"
        self.used.add(name)
        return name

    def committee(self) -> str:
        """A committee name such as 长阳新村第二居委会."""
        rng = self.rng
        candidates = []
        for _ in range(20):
            base = rng.choice(_PLACE_WORDS) + rng.choice(_COMMITTEE_SUFFIXES)
            ordinal = f"第{_cn(rng.randint(1, 5))}" if rng.random() < 0.3 else ""
            candidates.append(f"{base}{ordinal}居委会")
        return self._first_free(candidates, base, "居委会")

    def subdistrict(self) -> str:
        """A subdistrict name such as 控江路街道."""
        rng = self.rng
        candidates = []
        for _ in range(50):
            base = rng.choice(_PLACE_WORDS)
            candidates.append(base + rng.choice(_SUBDISTRICT_SUFFIXES))
        return self._first_free(candidates, base, "街道")
