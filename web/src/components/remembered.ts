/** A form's last values, kept on this device (localStorage) so a reload or a later visit starts from them. */
import { useEffect, useState } from 'preact/hooks';

export function useRemembered<T>(key: string, initial: T): [T, (v: T) => void] {
  const [value, setValue] = useState<T>(() => {
    try {
      const raw = localStorage.getItem(`tradeloop.form.${key}`);
      return raw === null ? initial : (JSON.parse(raw) as T);
    } catch {
      return initial;
    }
  });
  useEffect(() => {
    try {
      localStorage.setItem(`tradeloop.form.${key}`, JSON.stringify(value));
    } catch {
      // storage full or disabled: the form still works, it just forgets
    }
  }, [key, value]);
  return [value, setValue];
}
