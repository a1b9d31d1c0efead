import type zh from './zh-CN'

// English mirrors zh-CN key by key; the type makes a missing key a compile error.
const en: typeof zh = {
  app: { title: 'Panlong Poverty Register — Precise Identification', short: 'Jingzhun' },
  common: {
    search: 'Search', reset: 'Reset', save: 'Save', cancel: 'Cancel', confirm: 'OK', edit: 'Edit', create: 'New',
    delete: 'Delete', close: 'Close', export: 'Export to Excel', exporting: 'Exporting…', loading: 'Loading…', none: 'None',
    yes: 'Yes', no: 'No', unknown: 'Unknown', actions: 'Actions', total: '{n} in all', refresh: 'Refresh', back: 'Back',
    print: 'Print', detail: 'Details', all: 'All', saved: 'Saved', requestId: 'Request ID',
  },
  role: {
    village_officer: 'Village officer', check_team: 'Check team', department: 'Department', street: 'Street',
    district: 'District', supervisor: 'Supervisor (read only)', admin: 'Administrator', security_admin: 'Security admin',
    auditor: 'Auditor',
  },
  menu: {
    home: 'Home', households: 'Households', regions: 'Regions & teams', users: 'Accounts', audit: 'Audit log',
    password: 'Change password', logout: 'Sign out', language: '中文',
  },
  login: {
    title: 'Sign in', username: 'Username', password: 'Password', submit: 'Sign in', required: 'Enter username and password',
    failed: 'Wrong username or password, or the account is locked', rateLimited: 'Too many attempts; try again later',
  },
  home: {
    welcome: 'Hello, {name}', count: 'Count', scope: 'Scope', pending: 'Pending work', empty: 'Nothing pending', go: 'Open',
    wholeDistrict: 'Whole district',
  },
  work: {
    locked_accounts: 'Locked accounts', denied_access_24h: 'Denied access, last 24 h',
    failed_logins_24h: 'Failed sign-ins, last 24 h',
  },
  password: {
    title: 'Change password', required: 'You must change your password before going on.', old: 'Current password',
    new: 'New password', repeat: 'Repeat new password', mismatch: 'The new passwords differ',
    rule: 'At least 8 characters, three of upper case, lower case, digits and symbols, not containing the username',
    done: 'Password changed; sign-ins on other devices have ended',
  },
  errors: {
    forbidden: 'Forbidden', forbiddenText: 'Your role cannot use this page. Ask the administrator for access.',
    notFound: 'Not found', notFoundText: 'The page does not exist or was removed.', home: 'Back to home',
    network: 'Cannot reach the server; check the network and retry', sessionLost: 'Your session ended; sign in again',
    generic: 'The operation failed',
  },
  users: {
    title: 'Accounts', username: 'Username', displayName: 'Name', role: 'Role', scope: 'Scope', status: 'Status',
    lastLogin: 'Last sign-in', createdAt: 'Created', disabled: 'Disabled', locked: 'Locked', active: 'Active',
    mustChange: 'Must change password', create: 'New account', edit: 'Edit account', disable: 'Disable', enable: 'Enable',
    reset: 'Reset password', resetTitle: 'Reset the password of {name}', tempPassword: 'Temporary password',
    password: 'Initial password', street: 'Street', villages: 'Villages', team: 'Check team', department: 'Department',
    search: 'Username or name', confirmDisable: 'Disable {name}? Their sessions end at once.',
    resetDone: 'Password reset; the user must change it at next sign-in',
  },
  audit: {
    title: 'Audit log', time: 'Time', username: 'User', role: 'Role', action: 'Action', object: 'Object', changes: 'Changes',
    result: 'Result', reason: 'Reason', requestId: 'Request ID', clientIp: 'Client IP', from: 'From', to: 'To',
    actionPrefix: 'Action (prefix)', ok: 'OK', denied: 'Denied', failed: 'Failed', field: 'Field', before: 'Before',
    after: 'After',
  },
  regions: {
    title: 'Regions and check teams', street: 'Street', village: 'Village', villages: 'Villages', code: 'Code',
    team: 'Check team', teamStreets: 'Streets', groups: 'Village groups', noGroups: 'No village groups yet',
  },
  households: {
    title: 'Households', code: 'Household code', street: 'Street', village: 'Village', group: 'Group', head: 'Head',
    headId: 'Head ID number', members: 'Members', status: 'Status', attribute: 'Poverty attribute', cause: 'Main cause',
    updatedAt: 'Updated', q: 'Name or household code', idNumber: 'ID number (exact)', exportAll: 'Export all (server)',
  },
  table: { exportVisible: 'Export this page', empty: 'No data' },
}
export default en
