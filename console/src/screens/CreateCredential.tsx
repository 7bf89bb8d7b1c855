import { useState } from 'react';
import { Button, Heading, Label, Radio, RadioGroup } from 'react-aria-components';
import { run } from '../api/client';
import { CreateCredentialDoc, DiscoverDoc } from '../api/operations';
import { useSession } from '../api/session';
import { ServerForm, ErrorText, Field, fieldErrorsOf, StatusBadge } from '../components';
import type { ConsoleDiscoverMutation } from '../gql/graphql';
import { navigate } from '../router';
import { throughputText } from './Credentials';

type Accounts = Extract<
  ConsoleDiscoverMutation['discoverWhatsAppBusinessAccounts'],
  { __typename: 'DiscoverWhatsAppBusinessAccountsSuccess' }
>['data'];

/** Name, token and business portfolio id → Continue (Meta lists the WABAs) → WABA and sender → Submit. */
export function CreateCredential() {
  const { api } = useSession();
  const [name, setName] = useState('');
  const [apiToken, setApiToken] = useState('');
  const [businessAccountId, setBusinessAccountId] = useState('');
  const [accounts, setAccounts] = useState<Accounts>();
  const [wabaId, setWabaId] = useState<string>();
  const [phoneId, setPhoneId] = useState<string>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);

  // A changed token or portfolio id invalidates what Meta listed for the old one.
  const resetDiscovery = () => {
    setAccounts(undefined);
    setWabaId(undefined);
    setPhoneId(undefined);
  };

  const discover = async () => {
    setBusy(true);
    setProblem(undefined);
    setErrors({});
    try {
      const { discoverWhatsAppBusinessAccounts: r } = await run(api.client, DiscoverDoc, { input: { apiToken, businessAccountId } }, true);
      if (r.__typename === 'DiscoverWhatsAppBusinessAccountsSuccess') {
        setAccounts(r.data);
        const first = r.data[0];
        setWabaId(first?.id);
        setPhoneId(first?.phoneNumbers[0]?.id);
      } else {
        if (r.__typename === 'ValidationError') setErrors(fieldErrorsOf(r.fieldErrors));
        setProblem(`${r.message}${r.__typename === 'MetaApiError' ? ` ${r.remedy}` : ''}`);
      }
    } catch (err) {
      setProblem((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const submit = async () => {
    if (!wabaId || !phoneId) return;
    setBusy(true);
    setProblem(undefined);
    setErrors({});
    try {
      const input = { name, apiToken, businessAccountId, whatsAppBusinessAccountId: wabaId, phoneNumberId: phoneId };
      const { createWhatsAppApiCredential: r } = await run(api.client, CreateCredentialDoc, { input }, true);
      if (r.__typename === 'CreateWhatsAppApiCredentialSuccess') return navigate('/api-credentials');
      if (r.__typename === 'ValidationError') setErrors(fieldErrorsOf(r.fieldErrors));
      else if (r.__typename === 'ConflictError') setErrors({ name: r.message });
      setProblem(r.message);
    } catch (err) {
      setProblem((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const waba = accounts?.find((a) => a.id === wabaId);
  const phone = waba?.phoneNumbers.find((p) => p.id === phoneId);
  return (
    <section aria-labelledby="create-credential-title">
      <Heading level={1} id="create-credential-title">
        Create API credential
      </Heading>
      <ServerForm
        className="card form"
        errors={errors}
        setErrors={setErrors}
        onSubmit={(e) => {
          e.preventDefault();
          void (accounts ? submit() : discover());
        }}
      >
        <Field label="Name" name="name" value={name} onChange={setName} isRequired />
        <Field
          label="API token"
          name="apiToken"
          type="password"
          value={apiToken}
          onChange={(v) => (setApiToken(v), resetDiscovery())}
          isRequired
          description="A system-user access token with whatsapp_business_management and whatsapp_business_messaging."
        />
        <Field
          label="Business account ID"
          name="businessAccountId"
          value={businessAccountId}
          onChange={(v) => (setBusinessAccountId(v), resetDiscovery())}
          isRequired
          description="Meta Business Suite → Settings → Business info."
        />
        {!accounts ? (
          <Button type="submit" className="primary" isPending={busy}>
            Continue
          </Button>
        ) : (
          <>
            {accounts.length === 0 ? <p role="status">Meta lists no WhatsApp Business account for this portfolio and token.</p> : null}
            <RadioGroup
              className="choices"
              value={wabaId ?? null}
              onChange={(id) => {
                setWabaId(id);
                setPhoneId(accounts.find((a) => a.id === id)?.phoneNumbers[0]?.id);
              }}
              isRequired
            >
              <Label>WhatsApp Business account</Label>
              {accounts.map((a) => (
                <Radio key={a.id} value={a.id}>
                  {a.name || a.id}{' '}
                  <span className="hint">
                    {a.id}
                    {a.ownership === 'CLIENT' ? ' · shared with you' : ''}
                  </span>
                </Radio>
              ))}
            </RadioGroup>
            {waba ? (
              <RadioGroup className="choices" value={phoneId ?? null} onChange={setPhoneId} isRequired>
                <Label>Sender</Label>
                {waba.phoneNumbersError ? <ErrorText>{waba.phoneNumbersError}</ErrorText> : null}
                {waba.phoneNumbers.map((p) => (
                  <Radio key={p.id} value={p.id}>
                    {p.displayPhoneNumber} <span className="hint">{p.verifiedName}</span>
                  </Radio>
                ))}
              </RadioGroup>
            ) : null}
            {phone ? (
              <dl className="facts" aria-label="Chosen sender">
                <dt>Quality rating</dt>
                <dd>
                  <StatusBadge value={phone.qualityRating} />
                </dd>
                <dt>Throughput</dt>
                <dd>{throughputText(phone.throughputLevel, phone.messagesPerSecond)}</dd>
                {phone.messagingLimitTier ? (
                  <>
                    <dt>Messaging limit</dt>
                    <dd>{phone.messagingLimitTier}</dd>
                  </>
                ) : null}
              </dl>
            ) : null}
            <Button type="submit" className="primary" isDisabled={!phone} isPending={busy}>
              Submit
            </Button>
          </>
        )}
        <Button onPress={() => navigate('/api-credentials')}>Cancel</Button>
        <ErrorText>{problem}</ErrorText>
      </ServerForm>
    </section>
  );
}
