import { useState } from 'react';
import { Button, Form, Heading } from 'react-aria-components';
import { ErrorText, Field } from '../components';

export function SignIn({ notice, onSignedIn }: { notice?: string; onSignedIn: (key: string) => void }) {
  const [key, setKey] = useState('');
  return (
    <main className="centered">
      <div className="card signin">
        <Heading level={1}>WhatsApp channel console</Heading>
        <p>
          Sign in with an API key of your sandbox (create one with <code>wcs api-key create</code>). It is kept in this tab only.
        </p>
        <ErrorText>{notice}</ErrorText>
        <Form
          onSubmit={(e) => {
            e.preventDefault();
            if (key.trim()) onSignedIn(key.trim());
          }}
        >
          <Field label="API key" name="apiKey" type="password" value={key} onChange={setKey} isRequired autoFocus />
          <Button type="submit" className="primary">
            Sign in
          </Button>
        </Form>
      </div>
    </main>
  );
}
