import { useEffect, useRef, useState, type Dispatch, type ReactNode, type SetStateAction } from 'react';
import {
  Button,
  Dialog,
  DialogTrigger,
  FieldError,
  Form,
  type FormProps,
  Heading,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  Modal,
  Popover,
  Select,
  SelectValue,
  Text,
  TextArea,
  TextField,
  type TextFieldProps,
} from 'react-aria-components';

/** Small building blocks on react-aria-components: labelled fields with their errors, badges, copy, confirm. */

export interface FieldProps extends Omit<TextFieldProps, 'children'> {
  label: string;
  description?: ReactNode;
  multiline?: boolean;
  type?: 'text' | 'password';
}

/** A labelled text field; its error comes from Form validationErrors (the API's typed errors) by `name`. */
export function Field({ label, description, multiline, type = 'text', ...props }: FieldProps) {
  return (
    <TextField className="field" {...props}>
      <Label>{label}</Label>
      {multiline ? <TextArea rows={3} /> : <Input type={type} autoComplete="off" spellCheck={false} />}
      {description ? <Text slot="description">{description}</Text> : null}
      <FieldError className="field-error" />
    </TextField>
  );
}

const TONE: Record<string, string> = {
  ACTIVE: 'ok',
  PASSED: 'ok',
  PROCESSED: 'ok',
  GREEN: 'ok',
  PROCESSING: 'busy',
  PENDING: 'busy',
  YELLOW: 'warn',
  DRAFT: 'muted',
  DEACTIVATED: 'muted',
  UNKNOWN: 'muted',
  DUPLICATE: 'muted',
  FAILED: 'bad',
  RED: 'bad',
  QUARANTINED: 'bad',
};

export function StatusBadge({ value, label }: { value: string; label?: string }) {
  return <span className={`badge tone-${TONE[value] ?? 'muted'}`}>{label ?? value}</span>;
}

export function ErrorText({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <p role="alert" className="error">
      {children}
    </p>
  );
}

/** Copies a value; says so in a polite live region (the clipboard may be refused outside a secure context). */
export function CopyButton({ value, what }: { value: string; what: string }) {
  const [said, setSaid] = useState('');
  return (
    <>
      <Button
        className="small"
        aria-label={`Copy ${what}`}
        onPress={() =>
          navigator.clipboard.writeText(value).then(
            () => setSaid(`${what} copied`),
            () => setSaid(`Copy failed: select the ${what} and copy it`),
          )
        }
      >
        Copy
      </Button>
      <span aria-live="polite" className="hint">
        {said}
      </span>
    </>
  );
}

/** A button that asks first (an alert dialog with Cancel focused by default keyboard order). */
export function ConfirmButton(props: {
  label: string;
  title: string;
  body: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  danger?: boolean;
}) {
  return (
    <DialogTrigger>
      <Button className={props.danger ? 'danger' : undefined}>{props.label}</Button>
      <Modal className="modal" isDismissable>
        <Dialog role="alertdialog" className="dialog">
          {({ close }) => (
            <>
              <Heading slot="title">{props.title}</Heading>
              <p>{props.body}</p>
              <div className="actions">
                <Button autoFocus onPress={close}>
                  Cancel
                </Button>
                <Button
                  className={props.danger ? 'danger' : 'primary'}
                  onPress={() => {
                    close();
                    props.onConfirm();
                  }}
                >
                  {props.confirmLabel}
                </Button>
              </div>
            </>
          )}
        </Dialog>
      </Modal>
    </DialogTrigger>
  );
}

/** API field errors (path ["whatsApp", "senderPhoneNumber"]) keyed like the form fields' names ("whatsApp.senderPhoneNumber"). */
export function fieldErrorsOf(errors: ReadonlyArray<{ path: readonly string[]; message: string }> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors ?? []) {
    const path = e.path.filter((p) => p !== 'input');
    // An error about one item of a list (keywords.2) belongs to the field that edits the list.
    while (path.length > 1 && /^\d+$/.test(path[path.length - 1]!)) path.pop();
    const name = path.join('.');
    out[name] = out[name] ? `${out[name]} ${e.message}` : e.message;
  }
  return out;
}

export function formatTime(value: string | null | undefined): string {
  if (!value) return '—';
  return new Date(value).toLocaleString();
}

export interface Option {
  id: string;
  label: string;
}

/** A labelled single choice (react-aria Select: a button that opens a listbox); errors by `name` like Field. */
export function SelectField(props: {
  label: string;
  name?: string;
  options: Option[];
  value: string | null;
  onChange: (id: string | null) => void;
  isRequired?: boolean;
  isDisabled?: boolean;
  description?: ReactNode;
  placeholder?: string;
}) {
  return (
    <Select
      className="field"
      name={props.name}
      value={props.value}
      onChange={(key) => props.onChange(key === null ? null : String(key))}
      isRequired={props.isRequired}
      isDisabled={props.isDisabled}
      placeholder={props.placeholder ?? 'Choose…'}
    >
      <Label>{props.label}</Label>
      <Button className="select-button">
        <SelectValue />
        <span aria-hidden="true"> ▾</span>
      </Button>
      {props.description ? <Text slot="description">{props.description}</Text> : null}
      <FieldError className="field-error" />
      <Popover className="popover">
        <ListBox className="listbox">
          {props.options.map((o) => (
            <ListBoxItem key={o.id} id={o.id} className="option" textValue={o.label}>
              {o.label}
            </ListBoxItem>
          ))}
        </ListBox>
      </Popover>
    </Select>
  );
}

/**
 * Merges fresher copies into a list keyed by id. A query answer can be older than a status event that arrived
 * while it was in flight: the copy with the later updatedAt wins, and a tie goes to the newcomer.
 */
export function mergeNewest<T extends { id: string; updatedAt: string }>(prev: Map<string, T>, items: readonly T[]): Map<string, T> {
  const next = new Map(prev);
  for (const item of items) {
    const old = next.get(item.id);
    if (!old || old.updatedAt <= item.updatedAt) next.set(item.id, item);
  }
  return next;
}

/**
 * A form showing the API's field errors. A field's error goes as soon as its value is edited (react-aria would
 * keep it until blur): the layout then settles while typing, so a click on a button below never lands on a
 * button that moved under the pointer when the field lost focus.
 */
export function ServerForm({
  errors,
  setErrors,
  ...props
}: FormProps & { errors: Record<string, string>; setErrors: Dispatch<SetStateAction<Record<string, string>>> }) {
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    const form = ref.current;
    if (!form) return;
    const onInput = (event: Event) => {
      const name = (event.target as HTMLInputElement).name;
      if (!name) return;
      // After the event: a render now, before React's own listener has read the new value, would put the old
      // value back into the controlled input.
      setTimeout(() =>
        setErrors((current) => {
          if (!(name in current)) return current;
          const rest = { ...current };
          delete rest[name];
          return rest;
        }),
      );
    };
    form.addEventListener('input', onInput);
    return () => form.removeEventListener('input', onInput);
  }, [setErrors]);
  return <Form ref={ref} validationErrors={errors} {...props} />;
}
