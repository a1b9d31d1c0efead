import { get } from './http'

export interface Department {
  code: string
  name: string
}

export const listDepartments = () => get<{ items: Department[] }>('/departments')
