/** An on/off switch: a button with role="switch", aria-checked, and a label for screen readers. */
export interface SwitchProps {
  checked: boolean;
  label: string;
  pending?: boolean;
  onToggle(): void;
}

export function Switch({ checked, label, pending, onToggle }: SwitchProps) {
  return (
    <button
      type="button"
      role="switch"
      class="switch"
      aria-checked={checked}
      aria-label={label}
      aria-busy={pending ? true : undefined}
      data-pending={pending ? '' : undefined}
      onClick={() => {
        if (!pending) onToggle();
      }}
    >
      <span class="switch-knob" aria-hidden="true" />
    </button>
  );
}
