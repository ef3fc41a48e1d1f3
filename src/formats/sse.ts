/** One server-sent event frame. */
export function sseFrame(data: string, event?: string): string {
  return `${event ? `event: ${event}\n` : ""}data: ${data}\n\n`;
}
