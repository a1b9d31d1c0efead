// ECharts on demand: only the charts and components the dashboard draws,
// rendered as SVG (crisp when printed), with ECharts' Chinese texts.
import { use } from 'echarts/core'
import { SVGRenderer } from 'echarts/renderers'
import { BarChart, PieChart } from 'echarts/charts'
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components'
import VChart from 'vue-echarts'

use([SVGRenderer, BarChart, PieChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent])

export const initOptions = { renderer: 'svg' as const, locale: 'ZH' }
export default VChart
