import { defineConfig, devices } from '@playwright/test'

// End-to-end against the real binary (make build puts it in ../bin) on a
// fresh embedded database with the demo data. Access tokens live 6 seconds
// here so that every test also exercises the silent refresh; the login limit
// is raised because the suite signs in many times from one address.
const port = Number(process.env.JZ_E2E_PORT ?? 18080)
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export default defineConfig({
  testDir: './e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    trace: 'retain-on-failure',
    acceptDownloads: true,
    testIdAttribute: 'data-test',
    launchOptions: {
      executablePath: chromium,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined } }],
  webServer: {
    command: `rm -rf ../.e2e-data-${port} && ../bin/jingzhun serve --demo --addr 127.0.0.1:${port} --data-dir ../.e2e-data-${port} --log-level warn`,
    url: `http://127.0.0.1:${port}/readyz`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: { JZ_ACCESS_TTL: '6s', JZ_LOGIN_PER_MINUTE: '1000', JZ_ARGON2_MEMORY_KIB: '8192', JZ_ARGON2_TIME: '1' },
  },
})
