"""Messages of user errors (core.errors.UserError.keyed): the CSV reader's and the ingest's, the
first a user meets, and the parts every error's Chinese text starts with (its column and rows).
Errors without a key keep their English message after a translated prefix (`UserError.text`)."""

from __future__ import annotations

TABLE: dict[str, dict[str, str]] = {
    "err.column": {"en": "column '{column}'", "zh": "列“{column}”"},
    "err.rows": {"en": "rows {rows}", "zh": "第 {rows} 行"},
    # core/data/csvfile.py
    "err.csv.binary": {
        "en": "this looks like a binary file, not a CSV (it contains NUL bytes)",
        "zh": "这看起来是二进制文件，不是 CSV（其中有 NUL 字节）",
    },
    "err.csv.encoding": {
        "en": "the file has bytes that are not valid text in UTF-8, UTF-16, GBK/GB18030, Big5 or Windows-1252; "
        "save it again as 'CSV UTF-8' and retry",
        "zh": "文件中有些字节不是有效的 UTF-8、UTF-16、GBK/GB18030、Big5 或 Windows-1252 文本；请另存为“CSV UTF-8”后重试",
    },
    "err.csv.chinese_undecided": {
        "en": "cannot tell whether this Chinese file is GBK/GB18030 (simplified) or Big5 (traditional); save it "
        "again as 'CSV UTF-8', or name the encoding (CLI: --encoding gb18030 or --encoding big5)",
        "zh": "无法判断这个中文文件是 GBK/GB18030（简体）还是 Big5（繁体）编码。请在 Excel 中另存为“CSV UTF-8（逗号分隔）”"
        "后重新上传，或者指定编码（命令行：--encoding gb18030 或 --encoding big5）",
    },
    "err.csv.undecodable": {
        "en": "undecodable bytes for {encoding} at byte {byte} (line {line}); the file mixes encodings "
        "or is not text. Save it again as 'CSV UTF-8' and retry",
        "zh": "按 {encoding} 无法解码第 {byte} 个字节（第 {line} 行）；文件混用了多种编码或不是文本。请另存为“CSV UTF-8”后重试",
    },
    "err.csv.empty": {"en": "the file is empty", "zh": "文件是空的"},
    "err.csv.unknown_encoding": {"en": "unknown encoding '{encoding}'", "zh": "未知的编码“{encoding}”"},
    "err.csv.long_first_line": {
        "en": "the first line is longer than {mib} MiB (no line break); this does not look like a CSV export",
        "zh": "第一行超过 {mib} MiB（没有换行）；这不像是导出的 CSV",
    },
    "err.csv.long_first_row": {
        "en": "the first data row is longer than {mib} MiB (no line break); this does not look like a CSV export",
        "zh": "第一条数据行超过 {mib} MiB（没有换行）；这不像是导出的 CSV",
    },
    "err.csv.too_wide": {
        "en": "the file has {n} columns; at most {most} are supported (is the delimiter right, or is this a "
        "matrix rather than a table?)",
        "zh": "文件有 {n} 列，最多支持 {most} 列（分隔符对吗？还是这是矩阵而不是表格？）",
    },
    "err.csv.bad_rows": {
        "en": "the first rows are not valid CSV: {reason}",
        "zh": "开头几行不是有效的 CSV：{reason}",
    },
    "err.csv.blank_names": {
        "en": "the header has blank column names (column position {positions})",
        "zh": "表头中有空白的列名（第 {positions} 列）",
    },
    "err.csv.repeated_names": {
        "en": "the header repeats column names: {names}; rename them so each is unique",
        "zh": "表头中有重复的列名：{names}；请改名，使每列名称唯一",
    },
    "err.csv.no_rows": {
        "en": "the file has a header but no data rows",
        "zh": "文件只有表头，没有数据行",
    },
    "err.csv.uneven_line": {
        "en": "line {line} has {n} values; the lines above have {width} ({header})",
        "zh": "第 {line} 行有 {n} 个值；上面各行有 {width} 个（{header}）",
    },
    "err.csv.extra_fields": {
        "en": "line {line} is not valid CSV: Expected Number of Columns: {width} (the header's), found {n} "
        "({start}). Fix the line, or skip such rows (--skip-bad-rows)",
        "zh": "第 {line} 行不是有效的 CSV：表头有 {width} 列，这一行却有 {n} 个字段（{start}）。"
        "请改正这一行，或跳过这样的行（--skip-bad-rows）",
    },
    "err.csv.not_found": {"en": "file not found", "zh": "找不到文件"},
    "err.csv.not_a_file": {"en": "not a file", "zh": "不是文件"},
    "err.csv.unreadable": {"en": "not a readable CSV ({reason})", "zh": "无法读取的 CSV（{reason}）"},
    "err.csv.no_column": {
        "en": "no such column; the columns are: {names}",
        "zh": "没有这一列；文件的列为：{names}",
    },
    # core/data/ingest.py
    "err.ingest.unknown_column": {
        "en": "the mapping names column '{mapped}', which the file does not have (columns: {names})",
        "zh": "映射中的列“{mapped}”在文件中不存在（文件的列：{names}）",
    },
    "err.ingest.two_columns": {
        "en": "more than one column is mapped to {fields}",
        "zh": "有多于一列被映射到 {fields}",
    },
    "err.ingest.duplicate_file": {
        "en": "this file is identical (same SHA-256) to the one loaded as version {version} of '{table}'; "
        "appending it again would repeat its rows. Append anyway with --allow-duplicate",
        "zh": "这个文件与“{table}”表版本 {version} 导入的文件完全相同（SHA-256 一致），再次追加会让这些行重复。"
        "如确需追加，请加上 --allow-duplicate",
    },
    "err.ingest.overlap": {
        "en": "{n} of the file's {total} rows repeat a key ({fields}) that '{table}' (version {version}) already has; "
        "appending would repeat them. Append anyway with --allow-duplicate, or replace the table",
        "zh": "文件的 {total} 行中有 {n} 行的键（{fields}）在“{table}”表（版本 {version}）中已经存在，追加会让它们重复。"
        "如确需追加，请加上 --allow-duplicate，或改为替换整张表",
    },
    "err.ingest.missing": {
        "en": "table '{table}' needs a column for {fields}; the file has {names}. Map one of them "
        "(CLI: --map COLUMN={field})",
        "zh": "表“{table}”需要一列作为 {fields}；文件的列为 {names}。请映射其中一列（命令行：--map 列名={field}）",
    },
    "err.ingest.no_rows_read": {"en": "no data rows could be read", "zh": "没有读到任何数据行"},
    "err.ingest.all_bad": {"en": "every row was bad; nothing to ingest", "zh": "每一行都有问题；没有可导入的数据"},
    # core/experiments/summary.py: per-variant summaries
    "err.summary.not_numbers": {
        "en": "values must be finite numbers, found '{value}'",
        "zh": "值必须是有限的数字，却出现了“{value}”",
    },
    "err.summary.no_checkpoint": {"en": "a checkpoint is missing", "zh": "缺少检查点（时间）"},
    "err.summary.no_rows": {"en": "the table has no rows", "zh": "表中没有数据行"},
    "err.summary.no_centre": {
        "en": "a summary needs a mean, a sum or a conversions column beside the count",
        "zh": "汇总表除样本量外，还需要均值、总和或转化数其中一列",
    },
    "err.summary.sum_spread": {
        "en": "sums need a variance, sd or sum-of-squares column",
        "zh": "给出总和时还需要方差、标准差或平方和其中一列",
    },
    "err.summary.no_name": {"en": "a name is missing", "zh": "缺少名称"},
    "err.summary.no_count": {"en": "a count is missing", "zh": "缺少样本量"},
    "err.summary.negative_count": {"en": "counts must not be negative", "zh": "样本量不能为负数"},
    "err.summary.fractional_count": {"en": "counts must be whole numbers", "zh": "样本量必须是整数"},
    "err.summary.negative_spread": {
        "en": "variances (and sds, sums of squares) must not be negative",
        "zh": "方差（以及标准差、平方和）不能为负数",
    },
    "err.summary.rate_outside": {
        "en": "a mean without a variance is a binary rate and must lie in [0, 1]; give a variance, "
        "sd or sum of squares for a numeric metric",
        "zh": "没有方差的均值视为比率，必须在 [0, 1] 之间；数值型指标请给出方差、标准差或平方和",
    },
    "err.summary.no_value": {"en": "a value is missing", "zh": "缺少数值"},
    "err.summary.conversions_over": {
        "en": "conversions exceed the count in '{count}'",
        "zh": "转化数超过了“{count}”中的样本量",
    },
    "err.summary.negative_conversions": {"en": "conversions must not be negative", "zh": "转化数不能为负数"},
    "err.summary.short_squares": {
        "en": "a sum of squares must be at least sum^2 / count",
        "zh": "平方和至少应为 总和² / 样本量",
    },
    "err.summary.duplicate": {
        "en": "duplicate rows for one (experiment, metric, variant); cumulative checkpoints need a time column",
        "zh": "同一（实验、指标、分组）有重复行；累计检查点需要时间列",
    },
    "err.summary.duplicate_time": {
        "en": "duplicate rows for one (experiment, metric, variant, time)",
        "zh": "同一（实验、指标、分组、时间）有重复行",
    },
    "err.summary.mixed": {
        "en": "metric '{metric}' is binary in some rows and numeric in others",
        "zh": "指标“{metric}”在有些行是二元比率，在另一些行是数值",
    },
    "err.summary.falling": {
        "en": "counts fall between checkpoints; a time column must hold cumulative totals (each row the totals so far)",
        "zh": "样本量在检查点之间减少了；时间列对应的每一行都必须是截至当时的累计总数",
    },
    # core/cohorts (the churn upload), core/text/analysis.py (a labelled file)
    "err.churn.labels": {
        "en": "labels must be yes/no, true/false or 1/0; found {examples}",
        "zh": "标签必须是 yes/no、true/false 或 1/0；却出现了 {examples}",
    },
    "err.churn.one_class": {
        "en": "the labels hold a single class; churn needs both churned and retained rows",
        "zh": "标签只有一类；流失模型需要既有流失也有留存的行",
    },
    "err.churn.no_times": {"en": "no value could be read as a date or time", "zh": "没有任何值能读成日期或时间"},
    "err.churn.no_user_time": {"en": "no row has both a user and a time", "zh": "没有同时包含用户和时间的行"},
    "err.text.same_columns": {
        "en": "the text and the label must be different columns",
        "zh": "文本列和标签列必须是不同的列",
    },
    "err.text.no_labels": {"en": "no row has a label", "zh": "没有任何一行有标签"},
    # the ingest's check of every mapped value (core/data/ingest.py)
    "err.ingest.bad_values": {
        "en": "{n} of {total} rows are not {expect} (mapped to '{field}'): {shown}{others}. "
        "Fix those rows, map another column, or choose to skip bad rows",
        "zh": "{total} 行中有 {n} 行不是{expect}（映射到“{field}”）：{shown}{others}。请修正这些行、映射另一列，或选择跳过有问题的行",
    },
    "err.ingest.row_value": {"en": "row {row} = {value}", "zh": "第 {row} 行 = {value}"},
    "err.ingest.row_empty": {"en": "row {row} = empty", "zh": "第 {row} 行为空"},
    "err.ingest.also_column": {"en": "; also column '{column}': {n} rows", "zh": "；另外列“{column}”：{n} 行"},
    "err.expect.time": {"en": "a date/time", "zh": "日期/时间"},
    "err.expect.number": {"en": "a number", "zh": "数字"},
    "err.expect.text": {"en": "text", "zh": "文本"},
    "err.expect.required": {"en": "a value (it is required)", "zh": "有效值（此字段必填）"},
}
