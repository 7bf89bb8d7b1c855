import { useEffect, useState } from 'react';
import { Button, Heading } from 'react-aria-components';
import { run } from '../api/client';
import { CredentialsDoc, CredentialStatusDoc, QualityChangedDoc, TestCredentialDoc } from '../api/operations';
import { useQueryData, useSession, useSubscription } from '../api/session';
import { ErrorText, mergeNewest, StatusBadge } from '../components';
import type { ConsoleCredentialRowFragment, ConsoleTestCredentialMutation } from '../gql/graphql';
import { navigate } from '../router';
import { CreateCredential } from './CreateCredential';

type Report = Extract<
  ConsoleTestCredentialMutation['testWhatsAppApiCredential'],
  { __typename: 'TestWhatsAppApiCredentialSuccess' }
>['data'];

export function CredentialsPage({ path }: { path: string }) {
  if (path === '/new') return <CreateCredential />;
  return <CredentialList />;
}

const THROUGHPUT: Record<string, string> = { STANDARD: 'Standard', HIGH: 'High', NOT_APPLICABLE: 'Not applicable' };

export function throughputText(level: string, perSecond: number | null | undefined): string {
  return `${THROUGHPUT[level] ?? level}${perSecond ? ` (${perSecond} msg/s)` : ''}`;
}

function CredentialList() {
  const { api, canWrite } = useSession();
  const list = useQueryData(CredentialsDoc, {});
  // The list, then every status change (current state first), merged by id: a new credential appears by itself.
  const [rows, setRows] = useState<Map<string, ConsoleCredentialRowFragment>>(new Map());
  useEffect(() => {
    if (list.data)
      setRows((prev) =>
        mergeNewest(
          prev,
          list.data!.whatsAppApiCredentials.edges.map((e) => e.node),
        ),
      );
  }, [list.data]);
  useSubscription(CredentialStatusDoc, {}, (d) => {
    const c = d.whatsAppApiCredentialStatusChanged.credential;
    setRows((prev) => mergeNewest(prev, [c]));
  });
  // Quality rating (and with it throughput) changes without a status change: its own stream.
  useSubscription(QualityChangedDoc, {}, (d) => setRows((prev) => mergeNewest(prev, [d.whatsAppPhoneNumberQualityChanged.credential])));
  const [test, setTest] = useState<{ name: string; report?: Report; error?: string; running: boolean }>();

  const runTest = (c: ConsoleCredentialRowFragment) => {
    setTest({ name: c.name, running: true });
    run(api.client, TestCredentialDoc, { input: { id: c.id } }, true).then(
      ({ testWhatsAppApiCredential: r }) =>
        r.__typename === 'TestWhatsAppApiCredentialSuccess'
          ? setTest({ name: c.name, report: r.data, running: false })
          : setTest({ name: c.name, error: `${r.message}${'remedy' in r && r.remedy ? ` ${r.remedy}` : ''}`, running: false }),
      (err: Error) => setTest({ name: c.name, error: err.message, running: false }),
    );
  };

  const items = [...rows.values()];
  return (
    <section aria-labelledby="credentials-title">
      <div className="page-head">
        <Heading level={1} id="credentials-title">
          API credentials
        </Heading>
        {canWrite ? (
          <Button className="primary" onPress={() => navigate('/api-credentials/new')}>
            Create API credential
          </Button>
        ) : null}
      </div>
      <ErrorText>{list.error}</ErrorText>
      {items.length === 0 && !list.loading ? <p>No API credential yet.</p> : null}
      {items.length ? (
        <table>
          <caption className="visually-hidden">API credentials, updated live</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">WhatsApp Business account</th>
              <th scope="col">Sender</th>
              <th scope="col">Quality rating</th>
              <th scope="col">Throughput</th>
              <th scope="col">Status</th>
              {canWrite ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id} data-credential={c.name}>
                <th scope="row">{c.name}</th>
                <td>{c.whatsAppBusinessAccount.name || c.whatsAppBusinessAccount.metaId}</td>
                <td>
                  {c.phoneNumber.displayPhoneNumber || c.phoneNumber.metaId}
                  {c.phoneNumber.verifiedName ? <span className="hint"> {c.phoneNumber.verifiedName}</span> : null}
                </td>
                <td>
                  <StatusBadge value={c.phoneNumber.qualityRating} />
                </td>
                <td>{throughputText(c.phoneNumber.throughputLevel, c.phoneNumber.messagesPerSecond)}</td>
                <td>
                  <StatusBadge value={c.status} />
                  {c.statusMessage ? <div className="hint">{c.statusMessage}</div> : null}
                  {c.warnings.map((w) => (
                    <div key={w.code} className="hint warn">
                      {w.message}
                    </div>
                  ))}
                </td>
                {canWrite ? (
                  <td>
                    <Button className="small" aria-label={`Test ${c.name}`} onPress={() => runTest(c)}>
                      Test
                    </Button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {test ? <TestReport {...test} /> : null}
    </section>
  );
}

function TestReport({ name, report, error, running }: { name: string; report?: Report; error?: string; running: boolean }) {
  return (
    <section aria-labelledby="test-title" className="card" aria-busy={running}>
      <Heading level={2} id="test-title">
        Test of {name}
      </Heading>
      {running ? <p role="status">Calling Meta…</p> : null}
      <ErrorText>{error}</ErrorText>
      {report ? (
        <>
          <p role="status">{report.passed ? 'Every step passed.' : 'A step failed: see its remedy.'}</p>
          <ol className="steps">
            {report.steps.map((s) => (
              <li key={s.step}>
                <StatusBadge value={s.passed ? 'PASSED' : 'FAILED'} /> <strong>{s.step}</strong>: {s.detail}
                {s.remedy ? <div className="hint">Remedy: {s.remedy}</div> : null}
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </section>
  );
}
