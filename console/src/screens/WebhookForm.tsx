import { useState } from 'react';
import { Button, Heading } from 'react-aria-components';
import { run } from '../api/client';
import { CreateWebhookDoc, UpdateWebhookDoc } from '../api/operations';
import { useSession } from '../api/session';
import { ServerForm, ErrorText, Field, fieldErrorsOf, SelectField } from '../components';
import type { ConsoleWebhookFragment, InboundKeywordCategory } from '../gql/graphql';

export const CATEGORIES: { id: InboundKeywordCategory; label: string }[] = [
  { id: 'OPT_IN', label: 'Opt-in' },
  { id: 'OPT_OUT', label: 'Opt-out' },
  { id: 'HELP', label: 'Help' },
  { id: 'DEFAULT', label: 'Default' },
];

interface Rule {
  category: InboundKeywordCategory;
  keywords: string[];
  replyMessage: string;
}

/** Create (credential, rules, app secret) or edit (name, rules, a new app secret) a webhook. */
export function WebhookForm(props: { webhook?: ConsoleWebhookFragment; credentials: { id: string; label: string }[]; onDone: () => void }) {
  const { api } = useSession();
  const editing = props.webhook;
  const [name, setName] = useState(editing?.name ?? '');
  const [credentialId, setCredentialId] = useState<string | null>(editing?.apiCredential.id ?? props.credentials[0]?.id ?? null);
  const [appSecret, setAppSecret] = useState('');
  const [rules, setRules] = useState<Rule[]>(editing?.keywordRules.map((r) => ({ ...r, keywords: [...r.keywords] })) ?? []);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);

  const setRule = (i: number, change: Partial<Rule>) => setRules((rs) => rs.map((r, j) => (j === i ? { ...r, ...change } : r)));

  const submit = async () => {
    setBusy(true);
    setErrors({});
    setProblem(undefined);
    try {
      const keywordRules = rules.map((r) => ({ ...r, keywords: r.category === 'DEFAULT' ? [] : r.keywords }));
      const result = editing
        ? (
            await run(
              api.client,
              UpdateWebhookDoc,
              { input: { id: editing.id, name, keywordRules, ...(appSecret ? { appSecret } : {}) } },
              true,
            )
          ).updateWhatsAppWebhook
        : (await run(api.client, CreateWebhookDoc, { input: { name, apiCredentialId: credentialId ?? '', appSecret, keywordRules } }, true))
            .createWhatsAppWebhook;
      if (result.__typename === 'CreateWhatsAppWebhookSuccess' || result.__typename === 'UpdateWhatsAppWebhookSuccess')
        return props.onDone();
      if (result.__typename === 'ValidationError') setErrors(fieldErrorsOf(result.fieldErrors));
      else if (result.__typename === 'ConflictError') setErrors({ name: result.message });
      setProblem(result.message);
    } catch (err) {
      setProblem((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="webhook-form-title" className="card">
      <Heading level={2} id="webhook-form-title">
        {editing ? `Edit webhook ${editing.name}` : 'Create webhook'}
      </Heading>
      <ServerForm
        className="form"
        errors={errors}
        setErrors={setErrors}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Field label="Name" name="name" value={name} onChange={setName} isRequired />
        <SelectField
          label="API credential"
          name="apiCredentialId"
          options={props.credentials}
          value={credentialId}
          onChange={setCredentialId}
          isRequired
          isDisabled={Boolean(editing)}
        />
        {rules.map((rule, i) => (
          <RuleEditor
            key={i}
            index={i}
            rule={rule}
            onChange={(c) => setRule(i, c)}
            onRemove={() => setRules((rs) => rs.filter((_, j) => j !== i))}
          />
        ))}
        <Button onPress={() => setRules((rs) => [...rs, { category: rs.length ? 'HELP' : 'OPT_OUT', keywords: [], replyMessage: '' }])}>
          Add rule
        </Button>
        <Field
          label="App secret"
          name="appSecret"
          type="password"
          value={appSecret}
          onChange={setAppSecret}
          isRequired={!editing}
          description={
            editing
              ? `Leave empty to keep the secret ending in ${editing.appSecretLast4}.`
              : "Meta App Dashboard → App settings → Basic: it verifies every notification's signature."
          }
        />
        <div className="actions">
          <Button type="submit" className="primary" isPending={busy}>
            Submit
          </Button>
          <Button onPress={props.onDone}>Cancel</Button>
        </div>
        <ErrorText>{problem}</ErrorText>
      </ServerForm>
    </section>
  );
}

function RuleEditor({
  index,
  rule,
  onChange,
  onRemove,
}: {
  index: number;
  rule: Rule;
  onChange: (c: Partial<Rule>) => void;
  onRemove: () => void;
}) {
  const [keyword, setKeyword] = useState('');
  const add = () => {
    const k = keyword.trim();
    if (k && !rule.keywords.some((x) => x.toLowerCase() === k.toLowerCase())) onChange({ keywords: [...rule.keywords, k] });
    setKeyword('');
  };
  const prefix = `keywordRules.${index}`;
  return (
    <fieldset className="rule">
      <legend>Rule {index + 1}</legend>
      <SelectField
        label="Inbound keyword category"
        name={`${prefix}.category`}
        options={CATEGORIES}
        value={rule.category}
        onChange={(c) => c && onChange({ category: c as InboundKeywordCategory })}
        isRequired
      />
      {rule.category !== 'DEFAULT' ? (
        <div className="keyword-row">
          <Field
            label="Keyword"
            name={`${prefix}.keywords`}
            value={keyword}
            onChange={setKeyword}
            description="Matched against the whole message, ignoring case."
            onKeyDown={(e) => {
              // Enter adds the keyword instead of submitting the whole form.
              if (e.key === 'Enter') {
                e.preventDefault();
                add();
              }
            }}
          />
          <Button onPress={add}>Add keyword</Button>
        </div>
      ) : null}
      {rule.keywords.length && rule.category !== 'DEFAULT' ? (
        <ul className="keywords" aria-label={`Keywords of rule ${index + 1}`}>
          {rule.keywords.map((k) => (
            <li key={k}>
              {k}{' '}
              <Button
                className="small"
                aria-label={`Remove keyword ${k}`}
                onPress={() => onChange({ keywords: rule.keywords.filter((x) => x !== k) })}
              >
                ×
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
      <Field
        label="Reply message"
        name={`${prefix}.replyMessage`}
        multiline
        value={rule.replyMessage}
        onChange={(v) => onChange({ replyMessage: v })}
        isRequired
      />
      <Button className="small" onPress={onRemove}>
        Remove rule {index + 1}
      </Button>
    </fieldset>
  );
}
