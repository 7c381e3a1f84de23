/**
 * Runs once in each workflow thread's shared V8 context, before the SDK freezes its globals
 * (`preloadModules`, scripts/bundle-workflows.ts). The SDK records a source-mapped stack trace for
 * every promise a workflow creates, for Temporal's stack-trace query; at V8's default of ten frames
 * that was a third of the workflow thread's time (docs/performance.md). Four frames keep the
 * innermost ones: where a base waits, and where an error was thrown.
 */
Error.stackTraceLimit = 4;

export {};
