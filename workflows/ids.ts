export const TASK_QUEUE_DEFAULT = 'zz-coop-bases';
export const workflowIdOf = (baseId: string) => `base-${baseId}`;
export const baseIdOf = (workflowId: string) => workflowId.replace(/^base-/, '');

/** The update that answers a submission once its base is open; a resent submission sends the same. */
export const readyUpdateId = (submitCommandId: string) => `ready-${submitCommandId}`;
