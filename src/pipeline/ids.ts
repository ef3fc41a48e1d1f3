export const newId = (prefix: string) => `${prefix}${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
export const nowSecs = () => Math.floor(Date.now() / 1000);
