"""Strings of the data sources (core.data.sources, ui/sources.py): other file types and databases.
Keys: src. (the page), err.src. (user errors)."""

from __future__ import annotations

TABLE: dict[str, dict[str, str]] = {
    # ---- user errors -------------------------------------------------------------------------------
    "err.src.unreadable": {
        "en": "the file could not be read: {reason}",
        "zh": "无法读取该文件：{reason}",
    },
    "err.src.unsupported_type": {
        "en": "the values are of type {type}, which cannot be loaded as a column; leave the column out or convert it",
        "zh": "该列的类型是 {type}，无法作为一列载入；请去掉这一列或先转换它",
    },
    "err.src.mixed_json": {
        "en": "the field holds values of different kinds: {first} at first, {kind} here; give it one kind",
        "zh": "该字段的值类型不一致：开头是 {first}，这里是 {kind}；请统一为一种类型",
    },
    "err.src.bad_workbook": {
        "en": "this is not a workbook that can be read ({reason})",
        "zh": "这不是可以读取的工作簿（{reason}）",
    },
    "err.src.no_sheets": {"en": "the workbook has no sheets", "zh": "工作簿中没有工作表"},
    "err.src.no_sheet": {
        "en": "there is no sheet '{sheet}'; the sheets are {sheets}",
        "zh": "没有名为“{sheet}”的工作表；现有工作表：{sheets}",
    },
    "err.src.empty_sheet": {"en": "the sheet is empty", "zh": "该工作表是空的"},
    "err.src.title_row": {
        "en": "row {row} is not a header: it has blank or merged cells (column position {positions}), "
        "as a title row above the table has; choose the header row (--header-row N)",
        "zh": "第 {row} 行不是表头：其中有空白或合并的单元格（第 {positions} 列），像是表格上方的标题行；"
        "请指定表头所在的行（--header-row N）",
    },
    "err.src.beyond_header": {
        "en": "this row has values to the right of the last named column; name every column in the header",
        "zh": "这一行在最后一个有名称的列右侧还有值；请在表头中为每一列命名",
    },
    "err.src.bad_archive": {
        "en": "the archive is damaged or incomplete and cannot be unpacked ({reason})",
        "zh": "压缩文件已损坏或不完整，无法解压（{reason}）",
    },
    "err.src.too_big_unpacked": {
        "en": "unpacked, the file is larger than {size}, the limit per file; it was not unpacked",
        "zh": "解压后文件超过每个文件 {size} 的上限；未解压",
    },
    "err.src.empty_archive": {"en": "the archive holds no data file", "zh": "压缩文件中没有数据文件"},
    "err.src.pick_member": {
        "en": "the archive holds several files ({members}); choose one (--member NAME)",
        "zh": "压缩文件中有多个文件（{members}）；请选择一个（--member 文件名）",
    },
    "err.src.no_member": {
        "en": "the archive has no file '{member}'; it holds {members}",
        "zh": "压缩文件中没有“{member}”；其中有：{members}",
    },
    "err.src.not_dump": {
        "en": "this XML file is not a Stack Exchange dump of posts, users or comments (its root is <{root}>)",
        "zh": "这个 XML 文件不是 Stack Exchange 的帖子、用户或评论导出（根元素是 <{root}>）",
    },
    "err.src.bad_xml": {
        "en": "the XML is not well formed ({reason})",
        "zh": "XML 格式有误（{reason}）",
    },
    "err.src.sql_url": {
        "en": "the database address should look like postgresql://user@host:port/database",
        "zh": "数据库地址应形如 postgresql://user@host:5432/dbname",
    },
    "err.src.sql_connect": {
        "en": "could not connect to the database: {reason}",
        "zh": "无法连接数据库：{reason}",
    },
    "err.src.sql_auth": {
        "en": "the database refused the user name or password",
        "zh": "数据库拒绝了该用户名或密码",
    },
    "err.src.sql_query": {
        "en": "the database could not run the query: {reason}",
        "zh": "数据库无法执行该查询：{reason}",
    },
    "err.src.sql_no_rows": {"en": "the query returned no rows", "zh": "查询没有返回任何行"},
    "err.src.sql_limit": {
        "en": "the query returned more than {limit} rows, the row limit; raise the limit or narrow the query",
        "zh": "查询返回的行数超过了 {limit} 行的上限；请调高上限或缩小查询范围",
    },
    # ---- wide A/B summaries (core.experiments.wide) ---------------------------------------------------
    "err.wide.control_name": {
        "en": "a treatment is named '{name}', the name the control side gets; rename it",
        "zh": "有一个实验组名为“{name}”，这是对照组使用的名称；请改名",
    },
    "err.wide.control_differs": {
        "en": "the control's figures differ between rows of the same experiment, metric and checkpoint",
        "zh": "同一实验、指标和检查点的各行中，对照组的数字不一致",
    },
    "src.wide_left_out": {
        "en": "{n} rows have no variance on one side and are left out of the tests (experiments: {experiments}).",
        "zh": "有 {n} 行缺少一侧的方差，未纳入检验（实验：{experiments}）。",
    },
    # ---- the page ----------------------------------------------------------------------------------
    "src.sheet": {"en": "Sheet", "zh": "工作表"},
    "src.sheet_help": {
        "en": "The first sheet whose columns fit the chosen table is picked; choose another here.",
        "zh": "默认选中第一个列能对应所选数据表的工作表；可在此改选。",
    },
    "src.header_row": {"en": "Header row (0: first non-empty row)", "zh": "表头所在行（0：第一个非空行）"},
    "src.member": {"en": "File in the archive", "zh": "压缩包中的文件"},
    "src.read_as": {"en": "Read as {kind}{detail}", "zh": "按 {kind} 读取{detail}"},
    "src.database": {"en": "Database (PostgreSQL)", "zh": "数据库（PostgreSQL）"},
    "src.db_help": {
        "en": "Rows are read in a read-only transaction. The password is used for this load only: it is "
        "never saved in the workspace or written to a log.",
        "zh": "在只读事务中读取数据。密码只用于本次载入，不会保存到工作区，也不会写入日志。",
    },
    "src.db_url": {
        "en": "Address (postgresql://user@host:port/database)",
        "zh": "数据库地址（以 postgresql:// 开头，示例见输入框）",
    },
    "src.db_password": {"en": "Password", "zh": "密码"},
    "src.db_query": {"en": "Query (SELECT ...)", "zh": "查询（SELECT ...）"},
    "src.db_limit": {"en": "Row limit", "zh": "行数上限"},
    "src.db_limit_note": {
        "en": "At most {limit} rows are loaded; a query returning more is refused, never cut short.",
        "zh": "最多载入 {limit} 行；返回更多行的查询会被拒绝，而不会被截断。",
    },
    "src.db_table": {"en": "Load into table", "zh": "载入到数据表"},
    "src.db_load": {"en": "Load from database", "zh": "从数据库载入"},
}
