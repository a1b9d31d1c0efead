import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { i18n, savedLocale } from './i18n'
import { makeRouter } from './router'
import { setSessionHandlers } from './api/http'
import { useSession } from './stores/session'
// Styles of the components called from code (ElMessage, ElMessageBox),
// which the on-demand resolver only adds for components used in templates.
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import 'element-plus/es/components/notification/style/css'
import './styles.css'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(i18n)
const router = makeRouter()
app.use(router)
document.documentElement.lang = savedLocale()

setSessionHandlers({
  lost: () => {
    useSession(pinia).clearAll()
    const here = router.currentRoute.value
    if (here.name !== 'login') void router.replace({ name: 'login', query: { redirect: here.fullPath, expired: '1' } })
  },
  passwordChange: () => {
    useSession(pinia).mustChange = true
    void router.replace({ name: 'password' })
  },
  mfaEnrolment: () => {
    useSession(pinia).mustEnrol = true
    void router.replace({ name: 'security' })
  },
})

app.mount('#app')
