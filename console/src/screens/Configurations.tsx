import { useEffect, useState } from 'react';
import { Button, Heading, Link } from 'react-aria-components';
import { run } from '../api/client';
import {
  ConfigurationsDoc,
  ConfigurationStatusDoc,
  DeactivateConfigurationDoc,
  ReactivateConfigurationDoc,
  SubmitConfigurationDoc,
} from '../api/operations-live';
import { useQueryData, useSession, useSubscription } from '../api/session';
import { ConfirmButton, ErrorText, formatTime, mergeNewest, StatusBadge } from '../components';
import type { ConsoleConfigurationFragment } from '../gql/graphql';
import { BASE, navigate } from '../router';
import { ConfigurationForm } from './ConfigurationForm';

export function ConfigurationsPage({ path }: { path: string }) {
  if (path === '/new') return <ConfigurationForm />;
  const id = path.replace(/^\//, '');
  return <ConfigurationList selected={id ? decodeURIComponent(id) : undefined} />;
}

/** The list, then every status change of the sandbox (current state first): new ones appear, statuses move, no reload. */
function ConfigurationList({ selected }: { selected?: string }) {
  const { canWrite } = useSession();
  const list = useQueryData(ConfigurationsDoc, {});
  const [rows, setRows] = useState<Map<string, ConsoleConfigurationFragment>>(new Map());
  useEffect(() => {
    if (list.data)
      setRows((prev) =>
        mergeNewest(
          prev,
          list.data!.channelConfigurations.edges.map((e) => e.node),
        ),
      );
  }, [list.data]);
  useSubscription(ConfigurationStatusDoc, {}, (d) => {
    const c = d.channelConfigurationStatusChanged.channelConfiguration;
    setRows((prev) => mergeNewest(prev, [c]));
  });
  const items = [...rows.values()];
  const current = selected ? rows.get(selected) : undefined;
  return (
    <section aria-labelledby="configurations-title">
      <div className="page-head">
        <Heading level={1} id="configurations-title">
          Channel configurations
        </Heading>
        {canWrite ? (
          <Button className="primary" onPress={() => navigate('/channel-configurations/new')}>
            Create channel configuration
          </Button>
        ) : null}
      </div>
      <ErrorText>{list.error}</ErrorText>
      {items.length === 0 && !list.loading ? <p>No channel configuration yet.</p> : null}
      {items.length ? (
        <table>
          <caption className="visually-hidden">Channel configurations, updated live</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">API credential</th>
              <th scope="col">Sender phone number</th>
              <th scope="col">Status changed</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id} data-configuration={c.name}>
                <th scope="row">
                  <Link
                    href={`${BASE}/channel-configurations/${encodeURIComponent(c.id)}`}
                    aria-current={c.id === selected ? 'page' : undefined}
                  >
                    {c.name}
                  </Link>
                </th>
                <td>
                  <StatusBadge value={c.status} />
                </td>
                <td>{c.whatsApp.apiCredential?.name ?? '—'}</td>
                <td>{c.whatsApp.senderPhoneNumber ?? '—'}</td>
                <td>{formatTime(c.statusChangedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {current ? <ConfigurationDetail configuration={current} /> : null}
    </section>
  );
}

function ConfigurationDetail({ configuration: c }: { configuration: ConsoleConfigurationFragment }) {
  const { api, canWrite } = useSession();
  const [problem, setProblem] = useState<string>();
  // The new status arrives through the status stream; only a refusal (InvalidStateError, …) needs showing here.
  const act = (kind: 'submit' | 'deactivate' | 'reactivate') => {
    const variables = { input: { id: c.id } };
    const result: Promise<{ __typename: string; message?: string }> =
      kind === 'submit'
        ? run(api.client, SubmitConfigurationDoc, variables, true).then((d) => d.submitChannelConfiguration)
        : kind === 'deactivate'
          ? run(api.client, DeactivateConfigurationDoc, variables, true).then((d) => d.deactivateChannelConfiguration)
          : run(api.client, ReactivateConfigurationDoc, variables, true).then((d) => d.reactivateChannelConfiguration);
    result.then(
      (r) => setProblem(r.__typename.endsWith('Success') ? undefined : r.message),
      (err: Error) => setProblem(err.message),
    );
  };
  return (
    <section className="card" aria-labelledby="detail-title">
      <Heading level={2} id="detail-title">
        {c.name}
      </Heading>
      <p>
        Status: <StatusBadge value={c.status} />
        <span className="visually-hidden" role="status" aria-live="polite">
          {`${c.name} is ${c.status}`}
        </span>
      </p>
      {c.statusReason ? <p className="hint">{c.statusReason}</p> : null}
      <dl className="facts">
        <dt>Description</dt>
        <dd>{c.description ?? '—'}</dd>
        <dt>Marketing actions</dt>
        <dd>{c.marketingActions.map((m) => m.name).join(', ') || 'None'}</dd>
        <dt>API credential</dt>
        <dd>{c.whatsApp.apiCredential?.name ?? '—'}</dd>
        <dt>Webhook</dt>
        <dd>{c.whatsApp.webhook?.name ?? 'None'}</dd>
        <dt>Sender phone number</dt>
        <dd>{c.whatsApp.senderPhoneNumber ?? '—'}</dd>
        <dt>Execution field</dt>
        <dd>
          {c.whatsApp.effectiveExecutionField}
          {c.whatsApp.executionField ? '' : <span className="hint"> (sandbox default)</span>}
        </dd>
      </dl>
      <Heading level={3}>Readiness checks</Heading>
      {c.checks.length === 0 ? <p>Not checked yet (a draft is checked when it is submitted).</p> : null}
      {c.checks.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Check</th>
              <th scope="col">Result</th>
              <th scope="col">Message</th>
              <th scope="col">Remedy</th>
            </tr>
          </thead>
          <tbody>
            {c.checks.map((k) => (
              <tr key={k.name}>
                <th scope="row">{k.name}</th>
                <td>
                  <StatusBadge value={k.status} />
                </td>
                <td>{k.message ?? '—'}</td>
                <td>{k.remedy ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {canWrite ? (
        <div className="actions">
          {c.status === 'DRAFT' || c.status === 'FAILED' ? (
            <Button className="primary" onPress={() => act('submit')}>
              Submit
            </Button>
          ) : null}
          {c.status === 'ACTIVE' ? (
            <ConfirmButton
              label="Deactivate"
              danger
              title={`Deactivate ${c.name}?`}
              body="Nothing is sent through it until it is reactivated."
              confirmLabel="Deactivate"
              onConfirm={() => act('deactivate')}
            />
          ) : null}
          {c.status === 'DEACTIVATED' ? <Button onPress={() => act('reactivate')}>Reactivate</Button> : null}
        </div>
      ) : null}
      <ErrorText>{problem}</ErrorText>
    </section>
  );
}
