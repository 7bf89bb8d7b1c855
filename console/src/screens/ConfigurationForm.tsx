import { useState } from 'react';
import { Button, Checkbox, CheckboxGroup, Heading, Label, Text } from 'react-aria-components';
import { run } from '../api/client';
import { ConfigurationFormDoc, CreateConfigurationDoc } from '../api/operations-live';
import { useQueryData, useSession } from '../api/session';
import { ServerForm, ErrorText, Field, fieldErrorsOf, SelectField } from '../components';
import { navigate } from '../router';

const NO_WEBHOOK = 'none';

/** Create a channel configuration: saved as a draft (partial settings allowed) or submitted for its readiness checks. */
export function ConfigurationForm() {
  const { api } = useSession();
  const options = useQueryData(ConfigurationFormDoc, {});
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [marketingActionIds, setMarketingActionIds] = useState<string[]>([]);
  const [credentialId, setCredentialId] = useState<string | null>(null);
  const [webhookId, setWebhookId] = useState<string | null>(NO_WEBHOOK);
  const [sender, setSender] = useState('');
  const [executionField, setExecutionField] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);

  const data = options.data;
  const credentials = data?.whatsAppApiCredentials.edges.map((e) => e.node) ?? [];
  const webhooks = (data?.whatsAppWebhooks.edges.map((e) => e.node) ?? []).filter(
    (w) => !credentialId || w.apiCredential.id === credentialId,
  );
  const sandboxDefault = data?.channelGeneralSettings.whatsAppExecutionField ?? '…';

  const chooseCredential = (id: string | null) => {
    setCredentialId(id);
    // The sender is the credential's number unless the admin typed another one.
    const number = credentials.find((c) => c.id === id)?.phoneNumber.displayPhoneNumber;
    if (number && !sender) setSender(number);
    setWebhookId(NO_WEBHOOK);
  };

  const save = async (saveAsDraft: boolean) => {
    setBusy(true);
    setErrors({});
    setProblem(undefined);
    try {
      const input = {
        name,
        channel: 'WHATSAPP' as const,
        saveAsDraft,
        ...(description.trim() ? { description } : {}),
        marketingActionIds,
        whatsApp: {
          ...(credentialId ? { apiCredentialId: credentialId } : {}),
          ...(webhookId && webhookId !== NO_WEBHOOK ? { webhookId } : {}),
          ...(sender.trim() ? { senderPhoneNumber: sender } : {}),
          ...(executionField.trim() ? { executionField } : {}),
        },
      };
      const { createChannelConfiguration: r } = await run(api.client, CreateConfigurationDoc, { input }, true);
      if (r.__typename === 'CreateChannelConfigurationSuccess') return navigate(`/channel-configurations/${encodeURIComponent(r.data.id)}`);
      if (r.__typename === 'ValidationError') setErrors(fieldErrorsOf(r.fieldErrors));
      else if (r.__typename === 'ConflictError') setErrors({ name: r.message });
      setProblem(r.message);
    } catch (err) {
      setProblem((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="configuration-form-title">
      <Heading level={1} id="configuration-form-title">
        Create channel configuration
      </Heading>
      <ErrorText>{options.error}</ErrorText>
      <ServerForm
        className="card form"
        errors={errors}
        setErrors={setErrors}
        onSubmit={(e) => {
          e.preventDefault();
          void save(false);
        }}
      >
        <Field
          label="Name"
          name="name"
          value={name}
          onChange={setName}
          isRequired
          description='Starts with a letter; letters, digits, "_", "." and "-".'
        />
        <Field label="Description" name="description" value={description} onChange={setDescription} multiline />
        <CheckboxGroup className="choices" name="marketingActionIds" value={marketingActionIds} onChange={setMarketingActionIds}>
          <Label>Marketing actions</Label>
          <Text slot="description">Consent policies applied to every send through this configuration.</Text>
          {data?.marketingActions.map((m) => (
            <Checkbox key={m.id} value={m.id}>
              {m.name}
            </Checkbox>
          ))}
        </CheckboxGroup>
        <SelectField
          label="API credential"
          name="whatsApp.apiCredentialId"
          options={credentials.map((c) => ({ id: c.id, label: `${c.name} (${c.status})` }))}
          value={credentialId}
          onChange={chooseCredential}
        />
        <SelectField
          label="Webhook"
          name="whatsApp.webhookId"
          options={[{ id: NO_WEBHOOK, label: 'None' }, ...webhooks.map((w) => ({ id: w.id, label: w.name }))]}
          value={webhookId}
          onChange={setWebhookId}
          description="Receives inbound messages and delivery reports; it must belong to the same credential."
        />
        <Field
          label="Sender phone number"
          name="whatsApp.senderPhoneNumber"
          value={sender}
          onChange={setSender}
          description="With its country code, e.g. +14155550123."
        />
        <Field
          label="Execution field"
          name="whatsApp.executionField"
          value={executionField}
          onChange={setExecutionField}
          description={`Profile attribute holding the recipient's number. Empty: the sandbox default, ${sandboxDefault}.`}
        />
        <div className="actions">
          <Button isPending={busy} onPress={() => void save(true)}>
            Save as draft
          </Button>
          <Button type="submit" className="primary" isPending={busy}>
            Submit
          </Button>
          <Button onPress={() => navigate('/channel-configurations')}>Cancel</Button>
        </div>
        <ErrorText>{problem}</ErrorText>
      </ServerForm>
    </section>
  );
}
