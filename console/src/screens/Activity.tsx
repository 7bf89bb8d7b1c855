import { useEffect, useState } from 'react';
import { Heading } from 'react-aria-components';
import { DeliveriesDoc, TrackingEventAddedDoc, TrackingEventsDoc } from '../api/operations-live';
import { useQueryData, useSubscription } from '../api/session';
import { ErrorText, formatTime, StatusBadge } from '../components';
import type { ConsoleTrackingEventFragment } from '../gql/graphql';

const KEEP = 25;

/** The latest tracking events (pushed as they are recorded) and webhook deliveries (re-read when anything happens). */
export function ActivityPage() {
  const events = useQueryData(TrackingEventsDoc, {});
  const [items, setItems] = useState<ConsoleTrackingEventFragment[]>([]);
  useEffect(() => {
    if (events.data)
      setItems((prev) =>
        merge(
          prev,
          events.data!.trackingEvents.edges.map((e) => e.node),
        ),
      );
  }, [events.data]);
  const deliveries = useQueryData(DeliveriesDoc, {}, { live: true });
  const { refetch } = deliveries;
  useSubscription(TrackingEventAddedDoc, {}, (d) => {
    setItems((prev) => merge(prev, [d.trackingEventAdded]));
    // A tracking event comes from a delivery: show that delivery too.
    refetch();
  });
  const rows = (deliveries.data?.whatsAppWebhooks.edges ?? [])
    .flatMap((w) => w.node.deliveries.edges.map((d) => ({ ...d.node, webhook: w.node.name })))
    .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt))
    .slice(0, KEEP);
  return (
    <section aria-labelledby="activity-title">
      <Heading level={1} id="activity-title">
        Activity
      </Heading>
      <ErrorText>{events.error ?? deliveries.error}</ErrorText>
      <Heading level={2}>Tracking events</Heading>
      {items.length === 0 ? <p>No tracking event yet.</p> : null}
      {items.length ? (
        <table>
          <caption className="visually-hidden">Latest tracking events, updated live</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Type</th>
              <th scope="col">Phone number</th>
              <th scope="col">Channel configuration</th>
              <th scope="col">Message</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id}>
                <td>{formatTime(e.at)}</td>
                <td>
                  <StatusBadge value={e.type} />
                </td>
                <td>{e.phoneNumber ?? '—'}</td>
                <td>{e.channelConfiguration?.name ?? '—'}</td>
                <td>
                  {e.message
                    ? `${e.message.direction.toLowerCase()} ${e.message.status}${e.message.text ? `: ${e.message.text}` : ''}`
                    : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Heading level={2}>Webhook deliveries</Heading>
      {rows.length === 0 ? <p>No webhook delivery yet.</p> : null}
      {rows.length ? (
        <table>
          <caption className="visually-hidden">Latest webhook deliveries</caption>
          <thead>
            <tr>
              <th scope="col">Received</th>
              <th scope="col">Webhook</th>
              <th scope="col">Outcome</th>
              <th scope="col">Changes</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={d.id}>
                <td>{formatTime(d.receivedAt)}</td>
                <td>{d.webhook}</td>
                <td>
                  <StatusBadge value={d.outcome} />
                </td>
                <td>{d.changes}</td>
                <td>{d.detail ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function merge(prev: ConsoleTrackingEventFragment[], more: ConsoleTrackingEventFragment[]): ConsoleTrackingEventFragment[] {
  const byId = new Map(prev.map((e) => [e.id, e]));
  for (const e of more) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => b.at.localeCompare(a.at)).slice(0, KEEP);
}
