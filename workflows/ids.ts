export const TASK_QUEUE_DEFAULT = 'zz-coop-bases';
export const workflowIdOf = (baseId: string) => `base-${baseId}`;
export const baseIdOf = (workflowId: string) => workflowId.replace(/^base-/, '');

/** The update that answers a submission once its base is open; a resent submission sends the same. */
export const readyUpdateId = (submitCommandId: string) => `ready-${submitCommandId}`;
/** The command an update decides: its own id, but for a submission's ready update. */
export const commandIdOfUpdate = (updateId: string) => updateId.replace(/^ready-/, '');
