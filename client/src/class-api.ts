// The classroom's HTTP API as the browser sees it (shapes in server/shared/classroom.ts).
import type {
  AttemptView,
  ClassGrid,
  Joined,
  Me,
  MyProgress,
  WatchGrant,
} from '../../server/shared/classroom.ts';
import { request } from './api.ts';

export type {
  AttemptView,
  CellStatus,
  ClassGrid,
  ExerciseColumn,
  GridCell,
  GridStudent,
  Joined,
  Me,
  MyProgress,
  WatchGrant,
} from '../../server/shared/classroom.ts';

const classPath = (classId: string) => `/api/classes/${encodeURIComponent(classId)}`;
const labPath = (classId: string, labId: string) => `${classPath(classId)}/labs/${encodeURIComponent(labId)}`;

export const classApi = {
  me: () => request<Me>('GET', '/api/me'),
  myProgress: () => request<MyProgress>('GET', '/api/me/progress'),
  join: (code: string, name: string, studentNumber?: string) =>
    request<Joined>('POST', '/api/join', { code, name, ...(studentNumber ? { studentNumber } : {}) }),
  grid: (classId: string) => request<ClassGrid>('GET', `${classPath(classId)}/grid`),
  attempt: (classId: string, attemptId: number) =>
    request<AttemptView>('GET', `${classPath(classId)}/attempts/${attemptId}`),
  resetLab: (classId: string, labId: string) => request<unknown>('POST', `${labPath(classId, labId)}/reset`),
  extendLab: (classId: string, labId: string) =>
    request<{ expiresAt: string }>('POST', `${labPath(classId, labId)}/extend`),
  watch: (classId: string, labId: string) => request<WatchGrant>('GET', `${labPath(classId, labId)}/watch`),
  eventsUrl: (classId: string) => `${classPath(classId)}/events`,
  exportUrl: (classId: string, format: 'csv' | 'json') => `${classPath(classId)}/export.${format}`,
};
