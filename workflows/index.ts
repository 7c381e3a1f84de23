export { baseWorkflow } from './base.workflow';
