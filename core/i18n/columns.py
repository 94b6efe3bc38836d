"""Column labels: `col.<name>` for every column and feature name a user can see (tables, chart axes).

One label per name, shared by every view (`user_id` reads the same everywhere). Each view's engineer
adds the names its view shows in that view's block; ruff (F601) refuses a key written twice.
"""

TABLE: dict[str, dict[str, str]] = {
    # --- shared by several views ------------------------------------------------------------
    "col.user_id": {"en": "member", "zh": "成员"},
    "col.community": {"en": "community", "zh": "社群"},
    "col.ts": {"en": "time", "zh": "时间"},
    "col.text": {"en": "text", "zh": "文本"},
    "col.variant": {"en": "variant", "zh": "版本"},
    "col.n": {"en": "n", "zh": "样本数"},
    "col.users": {"en": "members", "zh": "成员数"},
    "col.rows": {"en": "rows", "zh": "行数"},
    "col.p": {"en": "p", "zh": "p 值"},
    # --- home ---------------------------------------------------------------------------------
    # --- community graph ----------------------------------------------------------------------
    # --- sentiment ----------------------------------------------------------------------------
    # --- ad A/B -------------------------------------------------------------------------------
    # --- churn --------------------------------------------------------------------------------
    # --- recommendations ----------------------------------------------------------------------
}
