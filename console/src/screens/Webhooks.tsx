import { useEffect, useState } from 'react';
import { Button, Form, Heading } from 'react-aria-components';
import { run } from '../api/client';
import { DeleteWebhookDoc, TestKeywordDoc, WebhooksDoc } from '../api/operations';
import { useQueryData, useSession } from '../api/session';
import { ConfirmButton, CopyButton, ErrorText, Field, formatTime, SelectField, StatusBadge } from '../components';
import type { ConsoleTestKeywordQuery, ConsoleWebhookFragment } from '../gql/graphql';
import { CATEGORIES, WebhookForm } from './WebhookForm';

/** Meta's handshake leaves no event behind: the page re-reads every few seconds while it is open. */
const POLL_MS = 3_000;

export function WebhooksPage() {
  const { api, canWrite } = useSession();
  const list = useQueryData(WebhooksDoc, {}, { live: true });
  const [mode, setMode] = useState<'list' | 'create' | { edit: ConsoleWebhookFragment }>('list');
  const [problem, setProblem] = useState<string>();
  const { refetch } = list;
  useEffect(() => {
    const timer = setInterval(refetch, POLL_MS);
    return () => clearInterval(timer);
  }, [refetch]);

  const webhooks = list.data?.whatsAppWebhooks.edges.map((e) => e.node) ?? [];
  const credentials = (list.data?.whatsAppApiCredentials.edges ?? []).map((e) => ({
    id: e.node.id,
    label: `${e.node.name} (${e.node.status})`,
  }));
  const done = () => {
    setMode('list');
    refetch();
  };
  const remove = (w: ConsoleWebhookFragment) =>
    run(api.client, DeleteWebhookDoc, { input: { id: w.id } }, true).then(
      ({ deleteWhatsAppWebhook: r }) =>
        r.__typename === 'DeleteWhatsAppWebhookSuccess' ? (setProblem(undefined), refetch()) : setProblem(r.message),
      (err: Error) => setProblem(err.message),
    );

  return (
    <section aria-labelledby="webhooks-title">
      <div className="page-head">
        <Heading level={1} id="webhooks-title">
          Webhooks
        </Heading>
        {canWrite && mode === 'list' ? (
          <Button className="primary" onPress={() => setMode('create')}>
            Create webhook
          </Button>
        ) : null}
      </div>
      <ErrorText>{list.error ?? problem}</ErrorText>
      {mode === 'create' ? <WebhookForm credentials={credentials} onDone={done} /> : null}
      {typeof mode === 'object' ? <WebhookForm key={mode.edit.id} webhook={mode.edit} credentials={credentials} onDone={done} /> : null}
      {webhooks.length === 0 && !list.loading ? <p>No webhook yet.</p> : null}
      {webhooks.map((w) => (
        <article key={w.id} className="card webhook" aria-labelledby={`wh-${w.id}`}>
          <Heading level={2} id={`wh-${w.id}`}>
            {w.name}
          </Heading>
          <dl className="facts">
            <dt>API credential</dt>
            <dd>{w.apiCredential.name}</dd>
            <dt>Webhook URL</dt>
            <dd>
              <code data-field="callbackUrl">{w.callbackUrl}</code> <CopyButton value={w.callbackUrl} what="Webhook URL" />
            </dd>
            <dt>Verify token</dt>
            <dd>
              <code data-field="verifyToken">{w.verifyToken}</code>{' '}
              {canWrite ? <CopyButton value={w.verifyToken} what="Verify token" /> : null}
            </dd>
            <dt>Verification</dt>
            <dd>
              {w.verifiedAt ? (
                <StatusBadge value="ACTIVE" label={`Verified by Meta ${formatTime(w.verifiedAt)}`} />
              ) : (
                <StatusBadge value="PENDING" label="Not verified by Meta yet" />
              )}
            </dd>
            <dt>Last event</dt>
            <dd>{formatTime(w.lastEventAt)}</dd>
            <dt>Keyword rules</dt>
            <dd>
              {w.keywordRules.length === 0 ? 'None' : null}
              <ul className="plain">
                {w.keywordRules.map((r) => (
                  <li key={r.category + r.keywords.join()}>
                    <strong>{CATEGORIES.find((c) => c.id === r.category)?.label}</strong>
                    {r.keywords.length ? `: ${r.keywords.join(', ')}` : ''} → “{r.replyMessage}”
                  </li>
                ))}
              </ul>
              {!w.standardConsentMessagesEnabled ? (
                <span className="hint">No opt-in/opt-out keyword: keywords never change consent.</span>
              ) : null}
            </dd>
          </dl>
          {canWrite ? (
            <div className="actions">
              <Button onPress={() => setMode({ edit: w })} aria-label={`Edit ${w.name}`}>
                Edit
              </Button>
              <ConfirmButton
                label="Delete"
                danger
                title={`Delete webhook ${w.name}?`}
                body="Its callback URL stops answering Meta and its stored deliveries are deleted."
                confirmLabel="Delete webhook"
                onConfirm={() => void remove(w)}
              />
            </div>
          ) : null}
        </article>
      ))}
      {webhooks.length ? <KeywordTester webhooks={webhooks} /> : null}
    </section>
  );
}

type TestResult = ConsoleTestKeywordQuery['testInboundKeyword'];

function KeywordTester({ webhooks }: { webhooks: ConsoleWebhookFragment[] }) {
  const { api } = useSession();
  const [webhookId, setWebhookId] = useState<string | null>(webhooks[0]?.id ?? null);
  const [text, setText] = useState('');
  const [result, setResult] = useState<TestResult>();
  const [problem, setProblem] = useState<string>();
  return (
    <section aria-labelledby="tester-title" className="card">
      <Heading level={2} id="tester-title">
        Keyword tester
      </Heading>
      <p className="hint">What would the rules do if a user sent this message? Nothing is changed.</p>
      <Form
        className="form inline"
        onSubmit={(e) => {
          e.preventDefault();
          if (!webhookId) return;
          run(api.client, TestKeywordDoc, { webhookId, text }).then(
            (d) => (setProblem(undefined), setResult(d.testInboundKeyword)),
            (err: Error) => setProblem(err.message),
          );
        }}
      >
        <SelectField
          label="Webhook to test"
          options={webhooks.map((w) => ({ id: w.id, label: w.name }))}
          value={webhookId}
          onChange={setWebhookId}
        />
        <Field label="Message" value={text} onChange={setText} isRequired />
        <Button type="submit">Test message</Button>
      </Form>
      <ErrorText>{problem}</ErrorText>
      {result ? (
        <p role="status" className="tester-result">
          {result.category
            ? `Answered by the ${CATEGORIES.find((c) => c.id === result.category)?.label} rule${result.matchedKeyword ? ` (keyword “${result.matchedKeyword}”)` : ''}: “${result.replyMessage ?? ''}”.${result.consentChange ? ` Consent becomes ${result.consentChange}.` : ''}`
            : 'No rule answers this message.'}
        </p>
      ) : null}
    </section>
  );
}
