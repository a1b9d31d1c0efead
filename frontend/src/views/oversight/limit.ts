/**
 * Runs at most `max` of the calls given at once, the others in turn: the
 * dashboard asks for many figures together (one per village for the
 * outcomes), and a burst of requests is kinder to the server queued.
 */
export function limiter(max: number) {
  let active = 0
  const waiting: (() => void)[] = []
  const next = () => {
    active--
    waiting.shift()?.()
  }
  return function run<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        active++
        fn().then(resolve, reject).finally(next)
      }
      if (active < max) start()
      else waiting.push(start)
    })
  }
}
