/** The connections blocked so far in this process (and forgets them). */
export function takeBlockedConnections(): string[];
