"""Controlled vocabularies of the catalog format (docs/catalog-format.md)."""

from __future__ import annotations

from forms.text import Text

FORMAT_VERSION = 1

#: department slug -> (code prefix, name).
DEPARTMENTS: dict[str, tuple[str, Text]] = {
    "police": ("GA", Text("公安", "Public Security")),
    "civil-affairs": ("MZ", Text("民政", "Civil Affairs")),
    "human-resources": ("RS", Text("人力资源和社会保障", "Human Resources and Social Security")),
    "medical-security": ("YB", Text("医疗保障", "Medical Security")),
    "housing-fund": ("GJJ", Text("住房公积金", "Housing Provident Fund")),
    "natural-resources": ("ZY", Text("自然资源和规划", "Natural Resources")),
    "taxation": ("SW", Text("税务", "Taxation")),
    "agriculture": ("NY", Text("农业农村", "Agriculture and Rural Affairs")),
    "market-regulation": ("SC", Text("市场监管", "Market Regulation")),
    "health": ("WJ", Text("卫生健康", "Health")),
    "disabled-persons": ("CL", Text("残疾人联合会", "Disabled Persons' Federation")),
    "veterans": ("TY", Text("退役军人事务", "Veterans Affairs")),
    "justice": ("SF", Text("司法行政", "Justice")),
    "citizen-card": ("SMK", Text("市民卡服务中心", "Citizen Card Centre")),
    "education": ("JY", Text("教育", "Education")),
    "housing": ("JS", Text("住房和城乡建设", "Housing and Urban-Rural Development")),
}

ITEM_TYPES: dict[str, Text] = {
    "permit": Text("行政许可", "Administrative permit"),
    "confirmation": Text("行政确认", "Administrative confirmation"),
    "payment": Text("行政给付", "Administrative payment"),
    "adjudication": Text("行政裁决", "Administrative adjudication"),
    "reward": Text("行政奖励", "Administrative reward"),
    "filing": Text("行政备案", "Administrative filing"),
    "other": Text("其他行政权力", "Other administrative power"),
    "public_service": Text("公共服务", "Public service"),
}

POINT_TYPES: dict[str, Text] = {
    "village": Text("村便民服务中心", "Village service centre"),
    "community": Text("社区便民服务中心", "Community service centre"),
    "police": Text("派出所户籍窗口", "Police household window"),
    "bank": Text("银行网点", "Bank branch"),
}

TARGETS: dict[str, Text] = {
    "person": Text("自然人", "Person"),
    "business": Text("法人", "Business"),
}

LIMIT_UNITS: dict[str, Text] = {
    "working_days": Text("个工作日", "working days"),
    "days": Text("日", "days"),
    "on_the_spot": Text("当场办结", "on the spot"),
}

MATERIAL_KINDS = frozenset(
    {"identity", "application_form", "certificate", "proof", "photo", "contract", "pledge",
     "authorization", "receipt", "other"}
)
MATERIAL_FORMS = frozenset({"paper", "electronic", "paper_or_electronic"})
MATERIAL_CHANNELS = frozenset({"applicant", "government", "shared_data", "onsite", "other"})
NECESSITIES = frozenset({"required", "optional", "rongque"})

#: Identity credentials accepted by 浙江省保障"最多跑一次"改革规定 第9条.
IDENTITY_TOKENS: dict[str, Text] = {
    "id_card": Text("居民身份证", "Resident ID card"),
    "household_register": Text("户口簿", "Household register"),
    "residence_permit": Text("居住证", "Residence permit"),
    "driving_licence": Text("驾驶证", "Driving licence"),
    "social_security_card": Text("社会保障卡", "Social security card"),
    "citizen_card": Text("市民卡", "Citizen card"),
    "elderly_card": Text("老年卡", "Elderly card"),
    "face_verification": Text("人像认证结果", "Face verification"),
}

#: Shared datasets that may replace a material (ZJ-ZDP 第7–8条).
DATASETS: dict[str, Text] = {
    "population": Text("人口信息库", "Population register"),
    "photo": Text("公安人像照片库", "Police photo database"),
    "marriage": Text("婚姻登记信息", "Marriage registration"),
    "birth_certificate": Text("出生医学证明", "Birth medical certificate"),
    "death": Text("死亡/火化信息", "Death and cremation records"),
    "social_security": Text("社保参保缴费信息", "Social-security records"),
    "medical_insurance": Text("医保参保结算信息", "Medical-insurance records"),
    "housing_fund": Text("住房公积金信息", "Housing-fund records"),
    "real_estate": Text("不动产登记信息", "Real-estate registration"),
    "business_registry": Text("市场主体登记信息", "Business registry"),
    "disability": Text("残疾人证信息", "Disability certificates"),
    "rental_registration": Text("房屋租赁登记信息", "Tenancy registration"),
    "student_status": Text("学籍信息", "Student status"),
    "social_assistance": Text("社会救助对象信息", "Social-assistance recipients"),
    "family_economy": Text("家庭经济状况核对", "Household finance check"),
    "veterans": Text("退役军人信息", "Veterans records"),
    "e_licence": Text("电子证照库", "Electronic licence library"),
    "health_exam": Text("电子体检信息", "Electronic health checks"),
    "employment": Text("就业/用工备案信息", "Employment records"),
    "residence_registration": Text("居住登记信息", "Residence registration"),
    "vehicle": Text("机动车/驾驶人信息", "Vehicles and drivers"),
    "land_contract": Text("土地承包经营权信息", "Land contract rights"),
    "tax": Text("税务登记/完税信息", "Tax records"),
}

#: card_type values read by devices -> identity token they prove.
#: The reader reports resident | hmt_permit | foreigner_old | foreigner_new. A foreigner's
#: permanent-residence card proves identity only where a material names that card: it is
#: not among the identity proofs of Zhejiang's regulation, art. 9.
CARD_TYPE_TOKENS: dict[str, str] = {
    "id_card": "id_card",
    "resident_id": "id_card",
    "resident": "id_card",
    "hmt_residence_permit": "residence_permit",
    "hmt_permit": "residence_permit",
    "foreigner_old": "permanent_residence_card",
    "foreigner_new": "permanent_residence_card",
}

CARD_KEYS = frozenset(
    {"name", "gender", "nation", "birth_date", "address", "id_number", "issuer", "valid_from",
     "valid_to", "card_type"}
)
CONTEXT_KEYS = frozenset(
    {"station_code", "station_name", "point_type", "district", "operator", "operator_name",
     "today"}
)

FIELD_TYPES = frozenset(
    {"text", "integer", "decimal", "money", "date", "choice", "multi_choice", "boolean",
     "phone", "id_number", "credit_code", "division", "address", "group", "attachment"}
)
DIVISION_SCOPES = frozenset({"hangzhou", "hangzhou-county", "hangzhou-town"})
