"""Field error messages in Chinese and English, keyed by a stable code."""

from __future__ import annotations

from forms.text import Text

MESSAGES: dict[str, Text] = {
    "required": Text("{label}为必填项", "{label} is required"),
    "type_text": Text("{label}应为文字", "{label} must be text"),
    "type_integer": Text("{label}应为整数", "{label} must be a whole number"),
    "type_decimal": Text("{label}应为数字", "{label} must be a number"),
    "decimals": Text("{label}最多保留{decimals}位小数", "{label} allows at most {decimals} decimals"),
    "type_date": Text("{label}应为日期（年-月-日）", "{label} must be a date (YYYY-MM-DD)"),
    "type_boolean": Text("{label}应为是或否", "{label} must be yes or no"),
    "type_list": Text("{label}格式不正确", "{label} has the wrong format"),
    "choice": Text("{label}的选项“{value}”无效", "{label}: '{value}' is not an option"),
    "min_length": Text("{label}至少{limit}个字", "{label} needs at least {limit} characters"),
    "max_length": Text("{label}最多{limit}个字", "{label} allows at most {limit} characters"),
    "min": Text("{label}不能小于{limit}", "{label} must be at least {limit}"),
    "max": Text("{label}不能大于{limit}", "{label} must be at most {limit}"),
    "pattern": Text("{label}格式不正确", "{label} has the wrong format"),
    "phone_format": Text("{label}不是有效的手机或固定电话号码",
                         "{label} is not a valid mobile or landline number"),
    "id_format": Text("{label}应为18位身份号码", "{label} must be an 18-character ID number"),
    "id_check": Text("{label}校验位不正确，请核对", "{label}: the check digit is wrong"),
    "id_birth_date": Text("{label}中的出生日期不存在", "{label}: the birth date does not exist"),
    "id_division": Text("{label}的前6位不是存在过的行政区划代码（GB/T 2260），请核对",
                        "{label}: the first six digits are no GB/T 2260 division code; check it"),
    "uscc_format": Text("{label}应为18位统一社会信用代码",
                        "{label} must be an 18-character unified social credit code"),
    "uscc_check": Text("{label}校验位不正确", "{label}: the check character is wrong"),
    "uscc_authority": Text("{label}的前两位不是 GB 32100 规定的登记管理部门和机构类别代码",
                           "{label}: the first two characters are no GB 32100 registration "
                           "authority and category"),
    "uscc_division": Text("{label}中的登记管理机关行政区划码（第3—8位）不存在",
                          "{label}: characters 3–8 are no GB/T 2260 division code"),
    "uscc_org_code": Text("{label}中的组织机构代码校验不正确",
                          "{label}: the embedded organisation code is wrong"),
    "division_unknown": Text("{label}不是杭州市现行区划代码",
                             "{label} is not a current Hangzhou division code"),
    "division_retired": Text("{label}“{value}”已撤销（{merged}），请选择现行区划",
                             "{label} '{value}' was abolished ({merged}); choose a current one"),
    "attachment_material": Text("{label}应为附件列表", "{label} must be a list of attachments"),
    "min_items": Text("{label}至少填写{limit}项", "{label} needs at least {limit} rows"),
    "max_items": Text("{label}最多填写{limit}项", "{label} allows at most {limit} rows"),
    "expression_failed": Text("{label}的规则无法计算：{detail}",
                              "{label}: a rule could not be evaluated: {detail}"),
    "unknown_field": Text("未知字段“{value}”", "Unknown field '{value}'"),
    "read_only": Text("{label}为只读项，已使用系统值", "{label} is read-only; the system value is used"),
}


def message(code: str, **params: object) -> Text:
    """The message for `code` with its placeholders filled."""
    return MESSAGES[code].format(**params)


def field_message(code: str, label: Text, **params: object) -> Text:
    """The message for `code` about a field, with its label in each language."""
    template = MESSAGES[code]
    return Text(template.zh.format(label=label.zh, **params),
                template.en.format(label=label.en, **params))
