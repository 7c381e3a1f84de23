export const TASK_QUEUE_DEFAULT = 'zz-coop-bases';
export const workflowIdOf = (baseId: string) => `base-${baseId}`;
export const baseIdOf = (workflowId: string) => workflowId.replace(/^base-/, '');
