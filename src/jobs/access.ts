/** Whether job details may go to a channel: any channel when the allow-list is empty. */
export function channelAllowed(allowedChannels: string[], channelId: string): boolean {
  return allowedChannels.length === 0 || allowedChannels.includes(channelId);
}
