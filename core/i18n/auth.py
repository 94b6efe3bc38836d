"""Sign-in, who may see which workspace, the audit trail's "who", and the unknown-workspace link."""

TABLE: dict[str, dict[str, str]] = {
    "auth.sign_in_title": {"en": "Sign in", "zh": "登录"},
    "auth.sign_in_text": {
        "en": "This dashboard is shared by a team. Sign in to see the workspaces you may use.",
        "zh": "此看板由团队共享。登录后即可查看您有权使用的工作区。",
    },
    "auth.sign_in": {"en": "Sign in", "zh": "登录"},
    "auth.sign_in_with": {"en": "Sign in with {provider}", "zh": "通过 {provider} 登录"},
    "auth.placeholder_secret": {
        "en": "Sign-in is switched off: cookie_secret in .streamlit/secrets.toml is still the example's "
        "REPLACE-ME text, which anyone could use to forge a sign-in. Put a long random secret there.",
        "zh": "登录已停用：.streamlit/secrets.toml 中的 cookie_secret 仍是示例中的 REPLACE-ME 文本，"
        "任何人都可以用它伪造登录。请换成一个足够长的随机密钥。",
    },
    "auth.sign_out": {"en": "Sign out", "zh": "退出登录"},
    "auth.signed_in_as": {"en": "Signed in as {name}", "zh": "已登录：{name}"},
    "auth.local_mode": {
        "en": "Local mode: no sign-in. Anyone who can open this address sees every workspace; "
        'before sharing it, read "Deploying for a team" in the README.',
        "zh": "本地模式：无需登录。任何能打开此地址的人都能看到所有工作区；"
        "与他人共享前，请先阅读项目说明文档中关于团队部署的一节。",
    },
    "auth.ws_missing": {
        "en": "Workspace '{workspace}' does not exist. Pick a workspace:",
        "zh": "工作区“{workspace}”不存在。请选择一个工作区：",
    },
    "auth.pick": {"en": "Workspace", "zh": "工作区"},
    "auth.pick_placeholder": {"en": "Choose a workspace", "zh": "选择工作区"},
    "auth.read_only": {
        "en": "You are a member of this workspace: you may view it and train models; "
        "its owners and the admins upload, replace and restore its data.",
        "zh": "您是此工作区的成员：可以查看数据和训练模型；上传、替换和恢复数据由它的所有者和管理员负责。",
    },
    "auth.who": {"en": "By", "zh": "操作者"},
    "auth.who.cli": {"en": "command line", "zh": "命令行"},
    "auth.who.local": {"en": "local (no sign-in)", "zh": "本地（未登录）"},
    "auth.err.no_workspace": {
        "en": "workspace '{workspace}' does not exist",
        "zh": "工作区“{workspace}”不存在",
    },
    "auth.err.read_only": {
        "en": "you may view workspace '{workspace}' and train models there, but not change its data: "
        "ask one of its owners or an admin",
        "zh": "您可以查看工作区“{workspace}”并在其中训练模型，但不能修改其数据：请联系它的所有者或管理员",
    },
    "auth.err.taken": {
        "en": "the workspace name '{workspace}' is taken: choose another name",
        "zh": "工作区名称“{workspace}”已被占用，请换一个名称",
    },
}
