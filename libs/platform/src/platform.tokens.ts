export const SERVICE_NAME = Symbol('ServiceName');
export const CONFIG = Symbol('Config');
export const LOGGER = Symbol('Logger');
