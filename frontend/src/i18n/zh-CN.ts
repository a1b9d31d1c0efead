// 中文为主：界面上的每一句话都在这里，英文在 en.ts，键必须一一对应（单元测试检查）。
export default {
  app: { title: '盘龙区贫困对象精准识别系统', short: '精准识别' },
  common: {
    search: '查询', reset: '重置', save: '保存', cancel: '取消', confirm: '确定', edit: '编辑', create: '新建',
    delete: '删除', close: '关闭', export: '导出 Excel', exporting: '正在导出…', loading: '加载中…', none: '无',
    yes: '是', no: '否', unknown: '未知', actions: '操作', total: '共 {n} 条', refresh: '刷新', back: '返回',
    print: '打印', detail: '详情', all: '全部', saved: '已保存', requestId: '请求编号',
  },
  role: {
    village_officer: '村信息员', check_team: '核查组', department: '部门', street: '街道', district: '区级',
    supervisor: '督查（只读）', admin: '系统管理员', security_admin: '安全管理员', auditor: '审计员',
  },
  menu: {
    home: '工作台', households: '户表', regions: '区划与核查组', users: '账号管理', audit: '审计日志',
    password: '修改密码', logout: '退出登录', language: 'English',
  },
  login: {
    title: '用户登录', username: '用户名', password: '密码', submit: '登录', required: '请输入用户名和密码',
    failed: '用户名或密码错误，或账号已锁定', rateLimited: '尝试次数过多，请稍后再试',
  },
  home: {
    welcome: '{name}，您好', count: '数量', scope: '工作范围', pending: '待办事项', empty: '当前没有待办事项', go: '去处理',
    wholeDistrict: '全区',
  },
  work: {
    locked_accounts: '被锁定的账号', denied_access_24h: '近24小时越权访问', failed_logins_24h: '近24小时登录失败',
  },
  password: {
    title: '修改密码', required: '首次登录或密码被重置后，须先修改密码才能继续使用。', old: '原密码', new: '新密码',
    repeat: '再次输入新密码', mismatch: '两次输入的新密码不一致',
    rule: '至少8位，须含大写字母、小写字母、数字和符号中的三类，不能包含用户名',
    done: '密码已修改，其他设备上的登录已失效',
  },
  errors: {
    forbidden: '无权访问', forbiddenText: '您的角色不能使用此页面。如需权限，请联系系统管理员。',
    notFound: '页面不存在', notFoundText: '您访问的页面不存在或已被移除。', home: '返回工作台',
    network: '无法连接服务器，请检查网络后重试', sessionLost: '登录已失效，请重新登录', generic: '操作失败',
  },
  users: {
    title: '账号管理', username: '用户名', displayName: '姓名', role: '角色', scope: '范围', status: '状态',
    lastLogin: '最近登录', createdAt: '创建时间', disabled: '已停用', locked: '已锁定', active: '正常',
    mustChange: '待改密码', create: '新建账号', edit: '编辑账号', disable: '停用', enable: '启用',
    reset: '重置密码', resetTitle: '重置 {name} 的密码', tempPassword: '临时密码', password: '初始密码',
    street: '街道', villages: '村', team: '核查组', department: '部门', search: '用户名或姓名',
    confirmDisable: '确定停用账号 {name}？其登录将立即失效。', resetDone: '密码已重置，用户下次登录须修改密码',
  },
  audit: {
    title: '审计日志', time: '时间', username: '用户', role: '角色', action: '操作', object: '对象', changes: '变更',
    result: '结果', reason: '原因', requestId: '请求编号', clientIp: '客户端IP', from: '开始日期', to: '结束日期',
    actionPrefix: '操作（前缀）', ok: '成功', denied: '拒绝', failed: '失败', field: '字段', before: '修改前', after: '修改后',
  },
  regions: {
    title: '区划与核查组', street: '街道', village: '行政村', villages: '行政村数', code: '代码', team: '核查组',
    teamStreets: '负责街道', groups: '村民小组', noGroups: '暂无村民小组',
  },
  households: {
    title: '户表', code: '户编号', street: '街道', village: '行政村', group: '村民小组', head: '户主',
    headId: '户主身份证号', members: '人口', status: '识别状态', attribute: '贫困户属性', cause: '主要致贫原因',
    updatedAt: '更新时间', q: '姓名或户编号', idNumber: '身份证号（精确）', exportAll: '导出全部（服务器）',
  },
  table: { exportVisible: '导出本页', empty: '暂无数据' },
}
